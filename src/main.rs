//! The `oa-cms` binary: parses the command line and calls the library.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use clap::Parser;
use oa_cms::cli::{Cli, Command, UserCommand};
use oa_cms::config::Config;
use oa_cms::{auth, db, ops, startup, telemetry};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => {
            let config = Config::from_args(&args)?;
            let _flush_on_exit = telemetry::init(&config.log_format);
            serve(config)
        }
        Command::Migrate(args) => {
            let url = args.database_url();
            // A running server applied its migrations when it started; migrating under it
            // could change tables it is using.
            let _lock = if db::Backend::from_url(&url) == db::Backend::Sqlite {
                Some(
                    ops::data_lock::DataDirLock::acquire(&args.data_dir).map_err(|e| match e {
                        ops::data_lock::LockError::InUse { .. } => format!(
                            "{e}; stop it first (`serve` applies migrations when it starts)"
                        ),
                        ops::data_lock::LockError::Io { .. } => e.to_string(),
                    })?,
                )
            } else {
                None
            };
            let db = db::Db::connect(&url, 1).map_err(|e| e.to_string())?;
            let mut conn = db.get().map_err(|e| e.to_string())?;
            db::transaction(&mut conn, oa_cms::usecase::site::ensure_home)
                .map_err(|e| format!("cannot create the home page: {e}"))?;
            println!("migrations applied");
            Ok(())
        }
        Command::Backup(args) => {
            let summary =
                ops::backup::backup(&args.db.data_dir, &args.db.database_url(), &args.path)?;
            if summary.missing_files > 0 {
                eprintln!(
                    "warning: the database refers to {} stored files that are missing from the files folder",
                    summary.missing_files
                );
            }
            println!(
                "backup complete: {} files, {} bytes in {}",
                summary.files,
                summary.bytes,
                args.path.display()
            );
            Ok(())
        }
        Command::Restore(args) => restore(&args),
        Command::Openapi => {
            let doc = startup::openapi_doc()
                .to_pretty_json()
                .map_err(|e| e.to_string())?;
            println!("{doc}");
            Ok(())
        }
        Command::User(UserCommand::Add(args)) => {
            let role = auth::Role::parse(&args.role).ok_or_else(|| {
                format!(
                    "--role must be one of admin, editor, membership, read, not '{}'",
                    args.role
                )
            })?;
            let db = db::Db::connect(&args.db.database_url(), 1).map_err(|e| e.to_string())?;
            let stdin = std::io::stdin();
            let mut password = String::new();
            if !stdin.is_terminal() {
                stdin
                    .lock()
                    .read_to_string(&mut password)
                    .map_err(|e| e.to_string())?;
            }
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let generated = password.is_empty();
            let password = if generated {
                auth::new_password()
            } else {
                password
            };
            oa_cms::usecase::users::create_user_blocking(
                &db,
                &args.email,
                args.name.as_deref(),
                &password,
                role,
            )
            .map_err(|e| e.to_string())?;
            println!(
                "user {} added with role {}",
                args.email.trim().to_lowercase(),
                role.as_str()
            );
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
    }
}

fn restore(args: &oa_cms::cli::RestoreArgs) -> Result<(), String> {
    use ops::restore::{Database, Target};
    let summary = ops::restore::restore(
        &args.path,
        &Target {
            data_dir: &args.data_dir,
            database_url: args.database_url.as_deref(),
            ledgers: &args.erasures,
        },
    )?;
    println!(
        "restored {} files, {} bytes into {}",
        summary.files,
        summary.bytes,
        args.data_dir.display()
    );
    match &summary.database {
        Database::Sqlite => println!("database: SQLite, in the data folder"),
        Database::Postgres { schema, .. } => match schema {
            Some(s) => println!("database: the dump loaded into PostgreSQL (schema {s})"),
            None => println!("database: the dump loaded into PostgreSQL"),
        },
        Database::None => {
            println!("The backup holds no database (it was made before backups took pg_dump).");
        }
    }
    if summary.database == Database::None {
        return Ok(());
    }
    println!(
        "erasure ledger: {} entries; {} records erased after the backup was taken erased again",
        summary.ledger_entries, summary.erased_again
    );
    if !summary.erasure_flushed {
        println!(
            "warning: other sessions kept the erased records' bytes in the database's storage; \
             run VACUUM FULL memberships once they are gone"
        );
    }
    if summary.outside_ledgers == 0 {
        println!(
            "note: only the backup's own erasure ledger was applied; to keep records erased after \
             it was taken erased, restore with --erasures <old data folder>/erasures.log"
        );
    }
    println!(
        "removed {} stored files no record refers to",
        summary.orphans_removed
    );
    Ok(())
}

fn serve(config: Config) -> Result<(), String> {
    actix_web::rt::System::new().block_on(startup::serve(config))
}
