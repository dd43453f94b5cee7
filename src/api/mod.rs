//! The HTTP API: public delivery, staff sign-in and the admin API.

pub mod admin;
pub mod auth;
pub mod conditional;
pub mod extract;
pub mod files;
pub mod health;
pub mod memberships;
pub mod metrics;
pub mod openapi;
pub mod preview;
pub mod public;
pub mod screen;

use utoipa_actix_web::service_config::ServiceConfig;

/// Every route under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(public::content::list)
        .service(public::content::item)
        .service(public::site::get_site)
        .service(public::sync::sync_feed)
        .service(public::feeds::atom)
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
        .service(admin::webhooks::list::list)
        .service(admin::webhooks::create::create)
        .service(admin::webhooks::read::read)
        .service(admin::webhooks::update::update)
        .service(admin::webhooks::delete::remove)
        .service(admin::webhooks::test::test)
        .service(admin::webhooks::deliveries::deliveries)
        .service(admin::webhooks::retry::retry)
        .service(admin::audit::list)
        .service(admin::content::list::list)
        .service(admin::content::create::create)
        .service(admin::content::read::read)
        .service(admin::content::update::update)
        .service(admin::content::archive::archive_item)
        .service(admin::content::unarchive::unarchive_item)
        .service(admin::content::versions::versions)
        .service(admin::content::version::version)
        .service(admin::content::diff::diff)
        .service(admin::content::restore::restore)
        .service(admin::content::publish::publish)
        .service(admin::content::unpublish::unpublish)
        .service(admin::content::unschedule::unschedule)
        .service(admin::content::preview::create)
        .service(admin::preview::preview)
        .service(preview::show::show)
        .service(preview::file::file)
        .service(files::download::download)
        .service(admin::files::upload::create)
        .service(admin::files::list::list)
        .service(admin::files::read::read)
        .service(admin::files::content::content)
        .service(admin::files::delete::delete)
        .service(memberships::challenge::challenge)
        .service(memberships::create::create)
        // export.csv before {id}, which would match it too.
        .service(admin::memberships::export::export)
        .service(admin::memberships::list::list)
        .service(admin::memberships::read::read)
        .service(admin::memberships::update::update)
        .service(admin::memberships::erase::erase);
}
