//! The test harness: each test runs the real server on port 0 over a fresh database.

#![allow(dead_code)]

use std::net::SocketAddr;

use diesel::{Connection, RunQueryDsl};
use oa_cms::config::Config;
use oa_cms::startup;
use oa_cms::state::AppState;
use reqwest::{Method, RequestBuilder, StatusCode, header::HeaderMap};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(TestApp)` on SQLite and, with `TEST_DATABASE_URL`, on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                let app = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite).await;
                super::$name(app).await;
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = $crate::support::TestApp::spawn_postgres().await {
                    super::$name(app).await;
                }
            }
        }
    )*};
}

/// A fresh PostgreSQL database, dropped with the test.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create() -> Option<Self> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!(
                "TEST_DATABASE_URL is not set: the PostgreSQL variant of this test did not run"
            );
            return None;
        };
        let name = format!("oa_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn =
            diesel::PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Some(Self {
            admin_url,
            name,
            url,
        })
    }

    /// Drops the database now, as if the server had gone away.
    pub fn drop_now(&self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        self.drop_now();
    }
}

pub struct TestApp {
    pub backend: Backend,
    pub addr: SocketAddr,
    pub state: AppState,
    pub client: reqwest::Client,
    /// Bearer secret of an admin made for the test.
    pub admin_token: String,
    pub admin_id: String,
    pub dir: tempfile::TempDir,
    pub pg: Option<PgDatabase>,
    server: actix_web::dev::ServerHandle,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "not JSON ({}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
    /// Asserts the status and returns self, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }
    /// Asserts a problem+json answer with this status.
    #[track_caller]
    pub fn problem(self, status: u16) -> Value {
        let r = self.expect(status);
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("application/problem+json"),
            "body: {}",
            r.text()
        );
        let v = r.json();
        assert_eq!(v["status"], status);
        assert!(v["title"].is_string() && v["type"].is_string() && v["detail"].is_string());
        assert!(v["errors"].is_array());
        v
    }
    /// The `field` names of a problem's errors.
    pub fn fields(v: &Value) -> Vec<String> {
        v["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::spawn_with(None, |_| {}).await,
            Backend::Postgres => Self::spawn_postgres().await.expect("TEST_DATABASE_URL"),
        }
    }

    pub async fn spawn_postgres() -> Option<Self> {
        let pg = PgDatabase::create()?;
        Some(Self::spawn_with(Some(pg), |_| {}).await)
    }

    /// Spawns with a configuration tweak.
    pub async fn spawn_with(pg: Option<PgDatabase>, tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = pg.as_ref().map_or_else(
            || dir.path().join("cms.db").to_string_lossy().into_owned(),
            |p| p.url.clone(),
        );
        let mut config = Config::for_tests(dir.path().to_path_buf(), url);
        tweak(&mut config);
        let state = actix_web::web::block(move || startup::prepare(config))
            .await
            .expect("block")
            .expect("prepare");
        let (admin_id, admin_token) =
            make_staff(&state, "admin@test.nl", oa_cms::auth::Role::Admin).await;
        oa_cms::jobs::spawn(&state);
        // `serve` marks the process ready after its first-start work; tests skip that work.
        state.lifecycle.mark_ready();
        let (server, addr) = startup::run(state.clone()).expect("run server");
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            backend: if pg.is_some() {
                Backend::Postgres
            } else {
                Backend::Sqlite
            },
            addr,
            state,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A fresh connection per request: a pooled one the server has just closed
                // (keep-alive timeout on a loaded machine) would fail the request.
                .pool_max_idle_per_host(0)
                .build()
                .expect("client"),
            admin_token,
            admin_id,
            dir,
            pg,
            server: handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// A request as the test's admin (bearer token).
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(&self.admin_token)
    }

    pub async fn get(&self, path: &str) -> Resp {
        send(self.request(Method::GET, path)).await
    }

    pub async fn admin_get(&self, path: &str) -> Resp {
        send(self.admin(Method::GET, path)).await
    }

    pub async fn admin_json(&self, method: Method, path: &str, body: &Value) -> Resp {
        send(self.admin(method, path).json(body)).await
    }

    /// A staff member with `role`, returned as (user id, bearer secret).
    pub async fn staff(&self, email: &str, role: oa_cms::auth::Role) -> (String, String) {
        make_staff(&self.state, email, role).await
    }

    pub async fn stop(&self) {
        self.server.stop(true).await;
    }
}

pub async fn send(rb: RequestBuilder) -> Resp {
    let r = rb.send().await.expect("request failed");
    let status = r.status();
    let headers = r.headers().clone();
    let body = r.bytes().await.expect("body").to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

/// Makes a user and an API token straight in the database (the API for this is tested
/// separately).
pub async fn make_staff(
    state: &AppState,
    email: &str,
    role: oa_cms::auth::Role,
) -> (String, String) {
    let email = email.to_owned();
    state
        .db
        .run(move |c| {
            let user = oa_cms::usecase::users::create(
                c,
                &oa_cms::db::audit::Actor::system("test"),
                &email,
                None,
                "correct horse battery staple",
                role,
            )?;
            let secret = oa_cms::auth::new_secret("t_");
            oa_cms::db::users::insert_token(
                c,
                "test",
                &oa_cms::auth::hash_secret(&secret),
                role.as_str(),
                &user.id,
            )?;
            Ok((user.id, secret))
        })
        .await
        .expect("make staff")
}
