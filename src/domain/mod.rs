//! Validated types and the rules of the product, free of HTTP.

pub mod users;
