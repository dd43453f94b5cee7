//! Builds the application and the server; `run` returns the bound address so tests can use
//! port 0.

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{
    ResourceDef, Server, ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse,
};
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::db::{Backend, Db};
use crate::error::{AppError, ErrorCode};
use crate::ops::data_lock::{DataDirLock, LockError};
use crate::ops::lifecycle;
use crate::state::AppState;
use crate::telemetry;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Onderwijs Alliantie CMS",
        description = "Public delivery API and admin API of the Onderwijs Alliantie's headless CMS. \
            Every error is application/problem+json (RFC 9457).",
        license(name = "MIT", identifier = "MIT")
    ),
    servers((url = "/", description = "The server that serves this document")),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&SecurityAddon)
)]
struct ApiDoc;

struct SecurityAddon;

impl utoipa::Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

fn routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(crate::api::health::health)
        .service(crate::api::health::ready)
        .service(crate::api::metrics::metrics)
        .service(crate::api::public::feeds::sitemap)
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::api::configure))
}

/// The OpenAPI document: the same one `GET /api/openapi.json` serves.
pub fn openapi_doc() -> utoipa::openapi::OpenApi {
    let mut doc = routes(App::new().into_utoipa_app()).split_for_parts().1;
    crate::api::openapi::complete(&mut doc);
    doc
}

/// The whole application, ready for `HttpServer` or `actix_web::test::init_service`.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors(&state.config);
    let (app, mut doc) = routes(
        App::new()
            .app_data(web::Data::new(state.clone()))
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                AppError::field("query", ErrorCode::InvalidFormat, e.to_string()).into()
            }))
            .app_data(
                web::PathConfig::default()
                    .error_handler(|_, _| AppError::not_found("No such resource.").into()),
            )
            .app_data(
                web::JsonConfig::default()
                    .limit(state.config.json_limit)
                    .error_handler(|e, _| crate::api::extract::json_config_error(&e).into()),
            )
            .into_utoipa_app(),
    )
    .split_for_parts();
    crate::api::openapi::complete(&mut doc);
    app.service(web::redirect("/api/docs", "/api/docs/"))
        .configure(crate::admin::configure)
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", doc))
        .default_service(web::to(fallback))
        .wrap(from_fn(literal_paths_first))
        .wrap(from_fn(crate::api::screen::screen))
        .wrap(cors)
        .wrap(from_fn(telemetry::log_requests))
}

fn cors(config: &Config) -> Cors {
    let origins = config.cors_origins.clone();
    Cors::default()
        .allowed_origin_fn(move |origin, _| {
            origin
                .to_str()
                .is_ok_and(|o| origins.iter().any(|a| a == o))
        })
        .allowed_methods(["GET", "HEAD", "POST", "OPTIONS"])
        .allowed_headers([
            "content-type",
            "if-none-match",
            "if-match",
            "authorization",
            "range",
        ])
        .expose_headers([
            "etag",
            "content-range",
            "content-disposition",
            "retry-after",
        ])
        .max_age(3600)
}

/// Known route patterns and their methods, from the OpenAPI document, to tell 405 from 404.
static ROUTES: LazyLock<Vec<(ResourceDef, Vec<Method>)>> = LazyLock::new(|| {
    openapi_doc()
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods = [
                (item.get.is_some(), Method::GET),
                (item.post.is_some(), Method::POST),
                (item.put.is_some(), Method::PUT),
                (item.patch.is_some(), Method::PATCH),
                (item.delete.is_some(), Method::DELETE),
            ]
            .into_iter()
            .filter_map(|(has, m)| has.then_some(m))
            .collect();
            (ResourceDef::new(path.as_str()), methods)
        })
        .collect()
});

/// The routes whose path has no parameter (`/admin/memberships/export.csv`), by path.
static LITERAL_PATHS: LazyLock<std::collections::HashMap<&'static str, &'static [Method]>> =
    LazyLock::new(|| {
        ROUTES
            .iter()
            .filter(|(def, _)| !def.pattern().unwrap_or_default().contains('{'))
            .filter_map(|(def, methods)| Some((def.pattern()?, methods.as_slice())))
            .collect()
    });

/// A path that is a route of its own is not also a value of another route's parameter:
/// `PATCH /admin/memberships/export.csv` is 405, not an edit of a sign-up with that id.
async fn literal_paths_first(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let refused = LITERAL_PATHS
        .get(req.path())
        .is_some_and(|methods| !methods.contains(req.method()));
    if refused {
        let resp = method_not_allowed(req.path())
            .unwrap_or_else(|e| actix_web::ResponseError::error_response(&e));
        return Ok(req.into_response(resp).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Unknown routes: 405 when the path exists with other methods, 404 otherwise.
async fn fallback(req: HttpRequest) -> Result<HttpResponse, AppError> {
    method_not_allowed(req.path())
}

/// 405 with `Allow` when `path` is a route for other methods, else 404.
fn method_not_allowed(path: &str) -> Result<HttpResponse, AppError> {
    let mut allowed: Vec<&Method> = match LITERAL_PATHS.get(path) {
        Some(methods) => methods.iter().collect(),
        None => ROUTES
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .flat_map(|(_, m)| m.iter())
            .collect(),
    };
    let mut seen = Vec::new();
    allowed.retain(|m| {
        let first = !seen.contains(m);
        seen.push(*m);
        first
    });
    if allowed.is_empty() {
        return Err(AppError::not_found("No such resource."));
    }
    let mut names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
    if names.contains(&"GET") {
        names.push("HEAD");
    }
    let list = names.join(", ");
    let mut resp = actix_web::ResponseError::error_response(&AppError::MethodNotAllowed);
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&list) {
        resp.headers_mut().insert(actix_web::http::header::ALLOW, v);
    }
    Ok(resp)
}

/// Opens the database (running migrations) and builds the state.
pub fn prepare(config: Config) -> Result<AppState, String> {
    let db = Db::connect_with(
        &config.database_url,
        config.pool_size,
        config.sqlite_synchronous,
    )
    .map_err(|e| e.to_string())?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let template = config.public_url_template.clone();
    let rebuilt = crate::db::transaction(&mut conn, |c| {
        crate::usecase::site::prepare(c, &template, chrono::Utc::now().naive_utc())
    })
    .map_err(|e| format!("cannot prepare the public rows: {e}"))?;
    if rebuilt > 0 {
        tracing::info!(items = rebuilt, "public rows rebuilt");
    }
    drop(conn);
    Ok(AppState::new(db, config))
}

/// Binds and starts the server; returns it with the address it listens on. It does not
/// listen for signals: [`serve`] does, to drain before it stops the server through its
/// handle (requests in flight then get the configured shutdown timeout to finish).
pub fn run(state: AppState) -> std::io::Result<(Server, SocketAddr)> {
    let bind = state.config.bind.clone();
    let workers = state.config.workers;
    let listener = std::net::TcpListener::bind(&bind)?;
    let addr = listener.local_addr()?;
    let st = state.clone();
    // Blocking work is nearly all database work, which waits for a pooled connection
    // anyway: more threads than connections would only queue, each with its own memory.
    let blocking = usize::try_from(state.config.pool_size).unwrap_or(8).max(2);
    let mut server = HttpServer::new(move || build_app(st.clone()))
        .worker_max_blocking_threads(blocking)
        .listen(listener)?;
    if let Some(w) = workers {
        server = server.workers(w);
    }
    let server = server
        .shutdown_timeout(state.config.shutdown_timeout)
        .disable_signals()
        .run();
    Ok((server, addr))
}

/// On SIGTERM or SIGINT: fail readiness and stop the background jobs, keep serving (and
/// accepting) for the drain so load balancers see the 503 and move traffic away, then stop
/// the server gracefully. A second signal ends the drain early.
async fn stop_on_signal(handle: ServerHandle, state: AppState) {
    lifecycle::termination_signal().await;
    state.lifecycle.begin_shutdown();
    let drain = Duration::from_secs(state.config.drain_seconds);
    if !drain.is_zero() {
        tracing::info!(
            seconds = drain.as_secs(),
            "draining: readiness fails, requests are still served"
        );
        tokio::select! {
            () = actix_web::rt::time::sleep(drain) => {}
            () = lifecycle::termination_signal() => {
                tracing::info!("second signal; ending the drain early");
            }
        }
    }
    tracing::info!("closing the listener; requests in flight may finish");
    handle.stop(true).await;
}

/// Another process's upload temp files untouched this long are stale, when several
/// processes share the files folder (PostgreSQL). On SQLite the data folder's lock keeps
/// every other server out, so whatever others left is stale at once.
const SHARED_TMP_MAX_AGE: Duration = Duration::from_secs(3600);

fn sweep_upload_tmp(state: &AppState) {
    let others_min_age = match state.db.backend() {
        Backend::Sqlite => Duration::ZERO,
        Backend::Postgres => SHARED_TMP_MAX_AGE,
    };
    let sweep = lifecycle::Sweep {
        own_tag: crate::storage::upload_tmp_tag(),
        others_min_age,
    };
    match lifecycle::sweep_upload_tmp(&state.config.files_dir(), sweep) {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "removed unfinished uploads"),
        Err(e) => tracing::warn!(error = %e, "cannot clean the upload temp folder"),
    }
}

/// On SQLite, the data folder for this process alone (see [`DataDirLock`]); PostgreSQL is
/// the way to run several processes, and takes nothing.
fn lock_data_dir(config: &Config) -> Result<Option<DataDirLock>, String> {
    if Backend::from_url(&config.database_url) == Backend::Postgres {
        return Ok(None);
    }
    DataDirLock::acquire(&config.data_dir)
        .map(Some)
        .map_err(|e| match e {
            LockError::InUse { .. } => format!(
                "{e}; one server runs per SQLite data folder (stop the other one, or use \
             PostgreSQL to run several)"
            ),
            LockError::Io { .. } => e.to_string(),
        })
}

/// The whole life of `serve`: the data folder locked, migrations, listening, first-start
/// work, readiness, then on SIGTERM/SIGINT the drain and a graceful stop, the clean-up of
/// cut-off uploads and the pool closed.
pub async fn serve(config: Config) -> Result<(), String> {
    let lock = lock_data_dir(&config)?;
    let state = prepare(config)?;
    sweep_upload_tmp(&state);
    let (server, addr) =
        run(state.clone()).map_err(|e| format!("cannot listen on {}: {e}", state.config.bind))?;
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let stopper = actix_web::rt::spawn(stop_on_signal(handle.clone(), state.clone()));
    tracing::info!(%addr, "listening");
    let started = match on_start(&state).await {
        Ok(s) => s,
        Err(e) => {
            stopper.abort();
            handle.stop(false).await;
            return Err(e);
        }
    };
    for line in started.message(addr) {
        println!("{line}");
    }
    state.lifecycle.mark_ready();
    let result = running.await;
    stopper.abort();
    state.lifecycle.begin_shutdown();
    sweep_upload_tmp(&state);
    // The last clone of the pool: dropping it closes every database connection.
    drop(state);
    // Only now may another process take the folder.
    drop(lock);
    tracing::info!("stopped");
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("server task: {e}")),
    }
}

/// What the start-up work did, for the message printed once the server listens.
#[derive(Debug, Default)]
pub struct Started {
    /// The first admin's e-mail and generated password, when this start made it.
    pub first_admin: Option<(String, String)>,
    /// What `--demo` did; `None` without it.
    pub demo: Option<crate::demo::Outcome>,
}

impl Started {
    /// Where it listens, the admin URL and how to log in, each on its own line.
    pub fn message(&self, addr: SocketAddr) -> Vec<String> {
        let mut lines = vec![
            format!("Listening on http://{addr}"),
            format!("Admin URL: http://{addr}/admin"),
        ];
        match &self.first_admin {
            Some((email, password)) => {
                lines.push(format!("E-mail:    {email}"));
                lines.push(format!("Password:  {password}"));
            }
            None => lines.push(
                "Log in with an existing staff account (add one with `oa-cms user add`)".into(),
            ),
        }
        match &self.demo {
            Some(crate::demo::Outcome::Loaded(s)) => lines.push(format!(
                "Demo content loaded: {} published items, {} files, {} sign-ups",
                s.items, s.files, s.sign_ups
            )),
            Some(crate::demo::Outcome::AlreadyDone) => {
                lines.push("Demo content: loaded at an earlier start".into());
            }
            Some(crate::demo::Outcome::NotEmpty) => {
                lines.push("Demo content: not loaded, the database already had content".into());
            }
            None => {}
        }
        lines
    }
}

/// Start-up work: an admin when there is no user (its password shown once), the demo
/// content with `--demo`, then the background jobs.
pub async fn on_start(state: &AppState) -> Result<Started, String> {
    let first_admin = state
        .db
        .run(|c| {
            if crate::db::users::count(c)? > 0 {
                return Ok(None);
            }
            let password = crate::auth::new_password();
            let email = "admin@onderwijsalliantie.local";
            crate::usecase::users::create(
                c,
                &crate::db::audit::Actor::system("first start"),
                email,
                Some("Beheerder"),
                &password,
                crate::auth::Role::Admin,
            )?;
            Ok(Some((email.to_owned(), password)))
        })
        .await
        .map_err(|e| format!("cannot create the first admin: {e}"))?;
    let demo = if state.config.demo {
        Some(
            crate::demo::load(state)
                .await
                .map_err(|e| format!("cannot load the demo content: {e}"))?,
        )
    } else {
        None
    };
    crate::jobs::spawn(state);
    Ok(Started { first_admin, demo })
}
