//! Running the service: readiness and shutdown, backups and restores.

pub mod backup;
pub mod copy;
pub mod data_lock;
pub mod lifecycle;
pub mod restore;
