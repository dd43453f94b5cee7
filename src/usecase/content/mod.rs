//! Content items: saving versions, changing publication state, reading history, and the
//! admin's view of them.

pub mod history;
pub mod publication;
pub mod save;
pub mod schedule;
pub mod view;
