//! Running the service: readiness and shutdown, backups and restores (with `pg_dump` and
//! `pg_restore` on PostgreSQL).

pub mod backup;
pub mod copy;
pub mod data_lock;
pub mod lifecycle;
pub mod postgres;
pub mod restore;
