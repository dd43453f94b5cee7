//! The test harness: each test runs the real application over a fresh database, called
//! in-process (`actix_web::test`) or, for the tests that need a socket, served on port 0.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::rc::Rc;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::Service;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
pub use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use diesel::{Connection, RunQueryDsl};
use futures_util::future::LocalBoxFuture;
use oa_cms::config::Config;
use oa_cms::startup;
use oa_cms::state::AppState;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(TestApp)` on SQLite and, with `TEST_DATABASE_URL`, on PostgreSQL,
/// calling the application in-process.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $crate::both_backends_with!(|_| {}, $($name),*);
    };
}

/// Runs each named `async fn(TestApp)` on both backends with a configuration tweak.
#[macro_export]
macro_rules! both_backends_with {
    ($tweak:expr, $($name:ident),* $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                let app = $crate::support::TestApp::spawn_with(None, $tweak).await;
                super::$name(app).await;
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(pg) = $crate::support::PgDatabase::create() {
                    let app = $crate::support::TestApp::spawn_with(Some(pg), $tweak).await;
                    super::$name(app).await;
                }
            }
        }
    )*};
}

/// Like `both_backends_with!`, but the server listens on a real port: for tests that talk
/// raw HTTP over a socket (cut-off bodies, answers before the body).
#[macro_export]
macro_rules! both_backends_served_with {
    ($tweak:expr, $($name:ident),* $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                let app = $crate::support::TestApp::serve_with(None, $tweak).await;
                super::$name(app).await;
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(pg) = $crate::support::PgDatabase::create() {
                    let app = $crate::support::TestApp::serve_with(Some(pg), $tweak).await;
                    super::$name(app).await;
                }
            }
        }
    )*};
}

/// A fresh PostgreSQL schema in the `TEST_DATABASE_URL` database, which the app's connections
/// get as their search path, dropped with the test; or, for a test that makes it vanish, a
/// whole database (`create_database`). A schema costs milliseconds, where CREATE DATABASE and
/// DROP DATABASE each force a checkpoint (about 2 s a test on a busy machine).
pub struct PgDatabase {
    admin_url: String,
    name: String,
    whole_database: bool,
    pub url: String,
}

impl PgDatabase {
    pub fn create() -> Option<Self> {
        Self::make(false)
    }

    pub fn create_database() -> Option<Self> {
        Self::make(true)
    }

    fn make(whole_database: bool) -> Option<Self> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!(
                "TEST_DATABASE_URL is not set: the PostgreSQL variant of this test did not run"
            );
            return None;
        };
        let name = format!("oa_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn =
            diesel::PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
        let url = if whole_database {
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .expect("create test database");
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        } else {
            diesel::sql_query(format!("CREATE SCHEMA \"{name}\""))
                .execute(&mut conn)
                .expect("create test schema");
            let sep = if admin_url.contains('?') { '&' } else { '?' };
            // The application name marks the test's connections, to end them on drop.
            format!("{admin_url}{sep}options=-csearch_path%3D{name}&application_name={name}")
        };
        Some(Self {
            admin_url,
            name,
            whole_database,
            url,
        })
    }

    /// Ends every connection the application holds (a schema-per-test database only), as a
    /// restarted server or a proxy's idle timeout would; the data stays.
    pub fn end_connections(&self) {
        assert!(!self.whole_database, "only for a test's own schema");
        let mut conn =
            diesel::PgConnection::establish(&self.admin_url).expect("connect to TEST_DATABASE_URL");
        diesel::sql_query(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = '{}'",
            self.name
        ))
        .execute(&mut conn)
        .expect("end the connections");
    }

    /// Drops the database (or schema) now, ending its connections, as if the server had gone
    /// away.
    pub fn drop_now(&self) {
        let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) else {
            return;
        };
        if self.whole_database {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        } else {
            let _ = diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = '{}'",
                self.name
            ))
            .execute(&mut conn);
            let _ = diesel::sql_query(format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name))
                .execute(&mut conn);
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        self.drop_now();
    }
}

/// The address in-process requests come from, as a socket's peer address would.
const PEER: &str = "127.0.0.1:40000";

pub struct TestApp {
    pub backend: Backend,
    pub state: AppState,
    /// Bearer secret of an admin made for the test.
    pub admin_token: String,
    pub admin_id: String,
    pub dir: tempfile::TempDir,
    pub pg: Option<PgDatabase>,
    client: Client,
}

/// Sends requests to the application, in-process or over a socket.
#[derive(Clone)]
pub struct Client(Rc<Transport>);

type Call = dyn Fn(TestRequest, bool) -> LocalBoxFuture<'static, Resp>;

enum Transport {
    /// The app's service, called directly; the flag says the request was HEAD.
    InProcess(Box<Call>),
    /// The real server on a port.
    Served {
        addr: SocketAddr,
        http: reqwest::Client,
        server: actix_web::dev::ServerHandle,
    },
}

impl Client {
    pub fn request(&self, method: Method, path: &str) -> Req {
        Req {
            client: self.clone(),
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// A request being built; `send` sends it.
pub struct Req {
    client: Client,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.headers
            .push((name.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    pub fn bearer_auth(self, secret: impl std::fmt::Display) -> Self {
        self.header("authorization", format!("Bearer {secret}"))
    }

    /// The body as JSON, with `Content-Type: application/json` unless one is set.
    pub fn json(mut self, value: &impl serde::Serialize) -> Self {
        self.body = serde_json::to_vec(value).expect("serialize JSON body");
        if !self.has_header("content-type") {
            self = self.header("content-type", "application/json");
        }
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn multipart(mut self, form: Form) -> Self {
        let (content_type, body) = form.encode();
        self.body = body;
        self.header("content-type", content_type)
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    }

    /// The path and query, percent-encoded as an HTTP client would send them.
    fn target(&self) -> String {
        let url = url::Url::parse(&format!("http://localhost{}", self.path)).expect("path");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }
}

pub async fn send(req: Req) -> Resp {
    match &*req.client.0 {
        Transport::InProcess(call) => {
            let head = req.method == Method::HEAD;
            let mut test = TestRequest::default()
                .method(req.method.clone())
                .uri(&req.target())
                .peer_addr(PEER.parse().expect("peer address"))
                .insert_header(("accept", "*/*"));
            for (k, v) in &req.headers {
                test = test.append_header((k.as_str(), v.as_str()));
            }
            if !req.body.is_empty() {
                test = test.set_payload(req.body);
            }
            call(test, head).await
        }
        Transport::Served { addr, http, .. } => {
            let method =
                reqwest::Method::from_bytes(req.method.as_str().as_bytes()).expect("method");
            let mut rb = http.request(method, format!("http://{addr}{}", req.path));
            for (k, v) in &req.headers {
                rb = rb.header(k.as_str(), v.as_str());
            }
            if !req.body.is_empty() {
                rb = rb.body(req.body);
            }
            let r = rb.send().await.expect("request failed");
            let status = StatusCode::from_u16(r.status().as_u16()).expect("status");
            let mut headers = HeaderMap::new();
            for (k, v) in r.headers() {
                headers.append(
                    HeaderName::from_bytes(k.as_str().as_bytes()).expect("header name"),
                    HeaderValue::from_bytes(v.as_bytes()).expect("header value"),
                );
            }
            let body = r.bytes().await.expect("body").to_vec();
            Resp {
                status,
                headers,
                body,
            }
        }
    }
}

/// The service's answer as the HTTP layer would send it: `Content-Length` from the body's
/// size (none on 1xx and 204, kept as set on 304), and no body for HEAD, 204 and 304.
async fn as_sent(res: actix_web::HttpResponse, head: bool) -> Resp {
    let (res, body) = res.into_parts();
    let status = res.status();
    let mut headers = res.headers().clone();
    let size = body.size();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_or_else(|_| panic!("response body failed"), |b| b.to_vec());
    let no_body = status.is_informational() || status == StatusCode::NO_CONTENT;
    if no_body {
        headers.remove(header::CONTENT_LENGTH);
    } else if status != StatusCode::NOT_MODIFIED {
        match size {
            BodySize::Sized(n) => {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
            }
            BodySize::Stream => {
                headers.remove(header::CONTENT_LENGTH);
                headers.insert(
                    header::TRANSFER_ENCODING,
                    HeaderValue::from_static("chunked"),
                );
            }
            BodySize::None => {
                headers.remove(header::CONTENT_LENGTH);
            }
        }
    }
    let body = if head || no_body || status == StatusCode::NOT_MODIFIED {
        Vec::new()
    } else {
        bytes
    };
    Resp {
        status,
        headers,
        body,
    }
}

/// A `multipart/form-data` body, encoded as reqwest encodes one.
#[derive(Default)]
pub struct Form {
    parts: Vec<(String, Part)>,
}

pub struct Part {
    bytes: Vec<u8>,
    file_name: Option<String>,
    mime: Option<String>,
}

impl Form {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((
            name.into(),
            Part {
                bytes: value.into().into_bytes(),
                file_name: None,
                mime: None,
            },
        ));
        self
    }

    pub fn part(mut self, name: impl Into<String>, part: Part) -> Self {
        self.parts.push((name.into(), part));
        self
    }

    /// The content type (with the boundary) and the body.
    fn encode(self) -> (String, Vec<u8>) {
        let boundary = format!("oa-test-{}", uuid::Uuid::new_v4().simple());
        let mut body = Vec::new();
        for (name, part) in self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; {}",
                    parameter("name", &name)
                )
                .as_bytes(),
            );
            if let Some(f) = &part.file_name {
                body.extend_from_slice(format!("; {}", parameter("filename", f)).as_bytes());
            }
            if let Some(m) = &part.mime {
                body.extend_from_slice(format!("\r\nContent-Type: {m}").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(&part.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

/// `name="value"`, or `name*=utf-8''...` when the value needs percent-encoding (reqwest's
/// default for part names and file names).
fn parameter(name: &str, value: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SET: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'#')
        .add(b'?')
        .add(b'{')
        .add(b'}')
        .add(b'/')
        .add(b'%');
    let encoded = utf8_percent_encode(value, SET).to_string();
    if encoded == value {
        format!("{name}=\"{value}\"")
    } else {
        format!("{name}*=utf-8''{encoded}")
    }
}

impl Part {
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            mime: None,
        }
    }

    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn mime_str(mut self, mime: &str) -> Result<Self, std::convert::Infallible> {
        self.mime = Some(mime.to_owned());
        Ok(self)
    }
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

    /// The application with a configuration tweak, called in-process.
    pub async fn spawn_with(pg: Option<PgDatabase>, tweak: impl FnOnce(&mut Config)) -> Self {
        Self::start(pg, tweak, false).await
    }

    /// The real server on port 0, for tests that need a socket.
    pub async fn serve_with(pg: Option<PgDatabase>, tweak: impl FnOnce(&mut Config)) -> Self {
        Self::start(pg, tweak, true).await
    }

    async fn start(pg: Option<PgDatabase>, tweak: impl FnOnce(&mut Config), served: bool) -> Self {
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
        let transport = if served {
            let (server, addr) = startup::run(state.clone()).expect("run server");
            let handle = server.handle();
            actix_web::rt::spawn(server);
            Transport::Served {
                addr,
                http: reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    // A fresh connection per request: a pooled one the server has just closed
                    // (keep-alive timeout on a loaded machine) would fail the request.
                    .pool_max_idle_per_host(0)
                    .build()
                    .expect("client"),
                server: handle,
            }
        } else {
            Transport::InProcess(in_process(&state).await)
        };
        Self {
            backend: if pg.is_some() {
                Backend::Postgres
            } else {
                Backend::Sqlite
            },
            state,
            admin_token,
            admin_id,
            dir,
            pg,
            client: Client(Rc::new(transport)),
        }
    }

    /// A second process on the same database: its own pool, answers in memory and jobs,
    /// and its own admin (`admin2@test.nl`); its files folder is its own.
    pub async fn sibling(&self) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::for_tests(
            dir.path().to_path_buf(),
            self.state.config.database_url.clone(),
        );
        config
            .webhook_allow_hosts
            .clone_from(&self.state.config.webhook_allow_hosts);
        let state = actix_web::web::block(move || startup::prepare(config))
            .await
            .expect("block")
            .expect("prepare");
        let (admin_id, admin_token) =
            make_staff(&state, "admin2@test.nl", oa_cms::auth::Role::Admin).await;
        oa_cms::jobs::spawn(&state);
        state.lifecycle.mark_ready();
        let transport = Transport::InProcess(in_process(&state).await);
        Self {
            backend: self.backend,
            state,
            admin_token,
            admin_id,
            dir,
            pg: None,
            client: Client(Rc::new(transport)),
        }
    }

    /// Where the served variant listens.
    pub fn addr(&self) -> SocketAddr {
        match &*self.client.0 {
            Transport::Served { addr, .. } => *addr,
            Transport::InProcess(_) => panic!("an in-process app has no address: use serve_with"),
        }
    }

    /// An in-process client on this app's state, beside a served one's socket.
    pub async fn in_process_client(&self) -> Client {
        Client(Rc::new(Transport::InProcess(in_process(&self.state).await)))
    }

    /// A handle that sends requests, to move into concurrent tasks.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    pub fn request(&self, method: Method, path: &str) -> Req {
        self.client.request(method, path)
    }

    /// A request as the test's admin (bearer token).
    pub fn admin(&self, method: Method, path: &str) -> Req {
        self.request(method, path).bearer_auth(&self.admin_token)
    }

    pub async fn get(&self, path: &str) -> Resp {
        send(self.request(Method::GET, path)).await
    }

    pub async fn admin_get(&self, path: &str) -> Resp {
        send(self.admin(Method::GET, path)).await
    }

    /// The `total` of an admin list (200 expected).
    pub async fn admin_total(&self, path: &str) -> i64 {
        let list = self.admin_get(path).await.expect(200).json();
        list["total"].as_i64().expect("a total")
    }

    pub async fn admin_json(&self, method: Method, path: &str, body: &Value) -> Resp {
        send(self.admin(method, path).json(body)).await
    }

    /// A staff member with `role`, returned as (user id, bearer secret).
    pub async fn staff(&self, email: &str, role: oa_cms::auth::Role) -> (String, String) {
        make_staff(&self.state, email, role).await
    }

    /// Stops the served variant's server.
    pub async fn stop(&self) {
        if let Transport::Served { server, .. } = &*self.client.0 {
            server.stop(true).await;
        }
    }
}

/// The application's service, built once per test, behind a plain function.
async fn in_process(state: &AppState) -> Box<Call> {
    let service = Rc::new(actix_web::test::init_service(startup::build_app(state.clone())).await);
    Box::new(move |req: TestRequest, head: bool| {
        let service = Rc::clone(&service);
        Box::pin(async move {
            // An error out of the middleware becomes its response, as the HTTP layer does.
            let res = match service.call(req.to_request()).await {
                Ok(res) => res.map_into_boxed_body().into_parts().1,
                Err(e) => e.error_response(),
            };
            as_sent(res, head).await
        })
    })
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

/// The titles of a list answer's `items`, in order.
pub fn titles(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().expect("title").to_owned())
        .collect()
}
