//! The HTTP API: public delivery, staff sign-in and the admin API.

pub mod admin;
pub mod auth;
pub mod extract;
pub mod health;
pub mod public;

use utoipa_actix_web::service_config::ServiceConfig;

/// Every route under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(public::content::list)
        .service(public::content::item)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::me)
        .service(admin::users::list)
        .service(admin::users::create)
        .service(admin::users::update)
        .service(admin::users::remove)
        .service(admin::tokens::list)
        .service(admin::tokens::create)
        .service(admin::tokens::remove)
        .service(admin::audit::list);
}
