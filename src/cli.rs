//! The command line: `serve`, `migrate`, `user add`, `openapi`, `backup`, `restore`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "oa-cms",
    version,
    about = "Headless CMS for the Onderwijs Alliantie"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(DbArgs),
    /// Manage staff users.
    #[command(subcommand)]
    User(UserCommand),
    /// Print the OpenAPI document.
    Openapi,
    /// Copy the database and the files into a new folder while the server keeps running.
    Backup(BackupArgs),
    /// Restore a backup into an empty data folder, after checking every file against the
    /// backup's manifest.
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Folder to write the backup into; it must not exist yet or be empty.
    pub path: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Folder holding a backup made by `backup`.
    pub path: PathBuf,
    /// Data folder to restore into; it must not exist yet or be empty (but for an erasure
    /// ledger, `erasures.log`, which is applied and kept).
    #[arg(long, env = "DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// PostgreSQL: the empty database (or schema, by its `options=-csearch_path=...`) to load
    /// the backup's dump into. SQLite needs none: the database goes into the data folder.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// An erasure ledger (`erasures.log` from the data folder the backup was taken of) to
    /// apply besides the backup's own, so that records erased after the backup was taken
    /// stay erased. May be given more than once.
    #[arg(long = "erasures", value_name = "FILE")]
    pub erasures: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Folder for the SQLite database and uploaded files.
    #[arg(long, env = "DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `postgres://...` for PostgreSQL; default: SQLite at `<data-dir>/cms.db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| self.data_dir.join("cms.db").to_string_lossy().into_owned())
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Load the demo content when the database is empty.
    #[arg(long, env = "DEMO")]
    pub demo: bool,
    /// Origins allowed to call the public API from a browser (comma list).
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// The origin the admin UI is served from, checked on cookie-authenticated writes.
    #[arg(long, env = "ADMIN_ORIGIN")]
    pub admin_origin: Option<String>,
    /// Where items are on the website, for `url` in public answers and links in the text:
    /// `{kind}`, `{slug}` and `{id}` are filled in (e.g.
    /// `https://www.onderwijsalliantie.nl/{kind}/{slug}`).
    #[arg(long, env = "PUBLIC_URL_TEMPLATE", default_value = "/{kind}/{slug}")]
    pub public_url_template: String,
    /// Where the website previews a draft: `{token}` (the preview token) is filled in, and
    /// `{kind}`, `{slug}` and `{id}` as for `--public-url-template` (e.g.
    /// `https://www.onderwijsalliantie.nl/preview?token={token}`). Preview links then carry
    /// `site_url` too.
    #[arg(long, env = "PREVIEW_URL_TEMPLATE")]
    pub preview_url_template: Option<String>,
    /// `Cache-Control: max-age` of public responses, in seconds.
    #[arg(long, env = "CACHE_MAX_AGE", default_value_t = 60)]
    pub cache_max_age: u32,
    /// Memory for public answers kept between requests, in MiB (0 turns it off). They are
    /// never served after the data under them changed; see the README.
    #[arg(long, env = "PUBLIC_CACHE_MB", default_value_t = 32)]
    pub public_cache_mb: u32,
    /// Largest JSON body, in bytes.
    #[arg(long, env = "JSON_LIMIT", default_value_t = 1024 * 1024)]
    pub json_limit: usize,
    /// Largest upload, in bytes.
    #[arg(long, env = "UPLOAD_LIMIT", default_value_t = 50 * 1024 * 1024)]
    pub upload_limit: u64,
    /// Database connections in the pool.
    #[arg(long, env = "POOL_SIZE", default_value_t = 8)]
    pub pool_size: u32,
    /// Worker threads (default: one per core).
    #[arg(long, env = "WORKERS")]
    pub workers: Option<usize>,
    /// `text` or `json`.
    #[arg(long, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: String,
    /// Seconds to let requests in flight finish after SIGTERM or SIGINT.
    #[arg(long, env = "SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
    /// Enables `GET /metrics`, answered only with `Authorization: Bearer <this secret>`.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client (comma list of addresses or CIDR
    /// ranges, e.g. `10.0.0.0/8,::1`). From any other peer the header is ignored.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Hosts webhooks may reach over plain `http` and at loopback, private or link-local
    /// addresses (comma list, e.g. `127.0.0.1,hooks.internal`); every other webhook URL must
    /// be `https` and resolve to a public address.
    #[arg(long, env = "WEBHOOK_ALLOW_HOSTS", value_delimiter = ',')]
    pub webhook_allow_hosts: Vec<String>,
    /// Sign-ups taken per client address, as `N/minutes`.
    #[arg(long, env = "SIGNUP_LIMIT", default_value = "10/10")]
    pub signup_limit: String,
    /// Failed logins per account from one address, as `N/minutes`; an account takes four
    /// times as many from all addresses together, and so does one address over all accounts.
    #[arg(long, env = "LOGIN_LIMIT", default_value = "5/15")]
    pub login_limit: String,
    /// When SQLite syncs its log to disk: `full` on every commit (an acknowledged write
    /// survives a power cut), `normal` at checkpoints (faster; the last writes can be lost
    /// on a power cut or an operating system crash, never on a crash of the process).
    #[arg(long, env = "SQLITE_SYNCHRONOUS", value_enum, default_value_t = SqliteSynchronous::Full)]
    pub sqlite_synchronous: SqliteSynchronous,
    /// Seconds between SIGTERM/SIGINT and closing the listener: readiness fails at once and
    /// requests are still served, so load balancers see the 503 and move traffic away.
    #[arg(long, env = "DRAIN_SECONDS", default_value_t = 5)]
    pub drain_seconds: u64,
}

/// SQLite's `synchronous` setting, as far as this service offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SqliteSynchronous {
    /// Every commit is synced to disk before it is acknowledged.
    #[default]
    Full,
    /// The log is synced at checkpoints only: commits are durable against a crash of the
    /// process, not against a power cut.
    Normal,
}

impl SqliteSynchronous {
    /// The statement that sets it on a connection.
    pub fn pragma(self) -> &'static str {
        match self {
            Self::Full => "PRAGMA synchronous = FULL;",
            Self::Normal => "PRAGMA synchronous = NORMAL;",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff user; the password is read from stdin, or generated and printed once.
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub email: String,
    /// admin, editor, membership or read.
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub name: Option<String>,
}
