//! The `ensemble` binary: serves by default; subcommands for operators.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ensemble_api::config::Settings;
use ensemble_api::db::Db;
use ensemble_api::db::users;
use ensemble_api::startup::Application;
use ensemble_api::{openapi, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "ensemble",
    version,
    about = "Ensemble: find, follow and support charitable organisations"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the web app (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load data: `seed demo` loads the fictitious demo organisations and people into a
    /// database that has no organisations yet.
    Seed {
        #[command(subcommand)]
        what: SeedCommand,
    },
    /// Moderators: `moderators grant EMAIL`, `moderators revoke EMAIL`.
    Moderators {
        #[command(subcommand)]
        action: ModeratorsCommand,
    },
    /// Platform administration.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// Payments: `payments reconcile` settles donations left pending because a webhook
    /// never came, by asking the provider.
    Payments {
        #[command(subcommand)]
        action: PaymentsCommand,
    },
    /// Background jobs: `jobs list` (newest first), `jobs retry` (dead jobs back to the
    /// queue), `jobs purge` (finished jobs deleted).
    Jobs {
        #[command(subcommand)]
        action: JobsCommand,
    },
    /// Digests: `digests queue` queues the digests due at a time, as the hourly job does
    /// (to catch up an hour the servers missed, or to measure it).
    Digests {
        #[command(subcommand)]
        action: DigestsCommand,
    },
    /// Print the SQL a hot path runs and the database's plan for it: `EXPLAIN (ANALYZE,
    /// BUFFERS)` on PostgreSQL (the query runs), `EXPLAIN QUERY PLAN` on SQLite.
    Explain {
        #[command(subcommand)]
        what: ExplainCommand,
        /// Print only the SQL and its binds (`-- $1 = …`), for pgbench.
        #[arg(long, global = true)]
        sql_only: bool,
    },
    /// Print the OpenAPI document as YAML (or write it to a file).
    Openapi {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum SeedCommand {
    /// The demo data of api/data/demo.json.
    Demo,
    /// A large dataset for benchmarks (at scale 1: 1M users, 100k organisations, 10M
    /// follows, 10M updates, 1M comments, 500k donations), the same at every run, into an
    /// empty database.
    Bulk {
        /// 1 is full size; 0.01 a quick run.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Another seed gives another (equally realistic) dataset.
        #[arg(long, default_value_t = 42)]
        seed: u32,
    },
}

#[derive(Debug, Subcommand)]
enum ExplainCommand {
    /// The personal feed of the account with this (database) id.
    Feed {
        #[arg(long)]
        user: i64,
        /// Which page: the cursors of the pages before it are followed first.
        #[arg(long, default_value_t = 1)]
        page: u32,
    },
    /// Organisation search, best match first.
    Search {
        #[arg(long)]
        q: String,
    },
}

#[derive(Debug, Subcommand)]
enum PaymentsCommand {
    /// Ask the provider about donations pending for longer than `--older-than` minutes.
    Reconcile {
        #[arg(long, default_value_t = 60)]
        older_than: i64,
    },
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// The newest jobs, with their state, tries and last error.
    List {
        /// Only jobs in this state: queued, running, done or dead.
        #[arg(long)]
        state: Option<ensemble_api::domain::jobs::State>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Send dead jobs back to the queue (their tries counted afresh): one, or all.
    Retry {
        /// The job's id; absent: every dead job.
        id: Option<i64>,
    },
    /// Delete finished jobs older than `--older-than-days` (dead ones too with `--dead`).
    Purge {
        #[arg(long, default_value_t = 7)]
        older_than_days: i64,
        #[arg(long)]
        dead: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DigestsCommand {
    /// Queue the digest of every reader whose morning it is at `--at` (weekly ones on
    /// their Monday); a reader already queued that day is not queued twice.
    Queue {
        /// An RFC 3339 time, e.g. 2026-12-07T08:00:00Z; absent: now.
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
}

#[derive(Debug, Subcommand)]
enum ModeratorsCommand {
    /// Make the account with this email a moderator (it sees and decides every report).
    Grant { email: String },
    /// Take the moderator's role from the account with this email.
    Revoke { email: String },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Make the account with this email a platform administrator.
    Grant { email: String },
    /// Remove platform administration from the account with this email.
    Revoke { email: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.settings.log_json, &cli.settings.log_filter);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "stopped on an error");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.settings),
        Command::Migrate => {
            cli.settings.ensure_data_dir()?;
            let database = cli.settings.database()?;
            // Connecting applies pending migrations (each is logged).
            Db::connect(&database, 1)?;
            println!("database {database:?} is up to date");
            Ok(())
        }
        Command::Seed {
            what: SeedCommand::Demo,
        } => {
            cli.settings.ensure_data_dir()?;
            let db = Db::connect(&cli.settings.database()?, 1)?;
            let mut conn = db.get()?;
            match ensemble_api::db::demo::load_if_empty(&mut conn)? {
                0 => println!("the database already has organisations: demo data not loaded"),
                n => println!("loaded {n} demo organisations"),
            }
            Ok(())
        }
        Command::Seed {
            what: SeedCommand::Bulk { scale, seed },
        } => {
            if !(scale > 0.0 && scale <= 10.0) {
                anyhow::bail!("--scale must be above 0 and at most 10");
            }
            cli.settings.ensure_data_dir()?;
            let db = Db::connect(&cli.settings.database()?, 1)?;
            let mut conn = db.get()?;
            let started = std::time::Instant::now();
            let sizes = ensemble_api::db::bulk::load(&mut conn, scale, seed)?;
            println!(
                "loaded {} users, {} organisations, up to {} follows, {} updates, {} comments, {} donations in {:.0} s",
                sizes.users,
                sizes.organisations,
                sizes.follows,
                sizes.updates,
                sizes.comments,
                sizes.donations,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Moderators { action } => {
            let (email, moderator) = match action {
                ModeratorsCommand::Grant { email } => (email, true),
                ModeratorsCommand::Revoke { email } => (email, false),
            };
            cli.settings.ensure_data_dir()?;
            let db = Db::connect(&cli.settings.database()?, 1)?;
            let key = email.trim().to_lowercase();
            let mut conn = db.get()?;
            if !users::set_platform_role(
                &mut conn,
                &key,
                users::PlatformRole::Moderator,
                moderator,
            )? {
                anyhow::bail!("no account has the email {email}");
            }
            let verb = if moderator { "is now" } else { "is no longer" };
            println!("{email} {verb} a moderator");
            Ok(())
        }
        Command::Admin { action } => {
            let (email, admin) = match action {
                AdminCommand::Grant { email } => (email, true),
                AdminCommand::Revoke { email } => (email, false),
            };
            cli.settings.ensure_data_dir()?;
            let db = Db::connect(&cli.settings.database()?, 1)?;
            let key = email.trim().to_lowercase();
            let mut conn = db.get()?;
            if !users::set_platform_role(&mut conn, &key, users::PlatformRole::Admin, admin)? {
                anyhow::bail!("no account has the email {email}");
            }
            let verb = if admin { "is now" } else { "is no longer" };
            println!("{email} {verb} a platform administrator");
            Ok(())
        }
        Command::Payments {
            action: PaymentsCommand::Reconcile { older_than },
        } => {
            let settings = cli.settings;
            settings.ensure_data_dir()?;
            let secrets = ensemble_api::secrets::Secrets::load(&settings)?;
            let db = Db::connect(&settings.database()?, 2)?;
            let public_url = settings.public_url_at(&settings.listen)?;
            let payments =
                ensemble_api::payments::Payments::from_settings(&settings, &secrets, &public_url)?;
            let report =
                actix_web::rt::System::new().block_on(ensemble_api::payments::reconcile(
                    &db,
                    &payments,
                    chrono::Duration::minutes(older_than),
                ))?;
            println!(
                "{} pending donations checked: {} paid, {} expired, {} still open",
                report.checked, report.paid, report.expired, report.open
            );
            Ok(())
        }
        Command::Jobs { action } => {
            use ensemble_api::db::jobs;
            let settings = cli.settings;
            settings.ensure_data_dir()?;
            let db = Db::connect(&settings.database()?, 2)?;
            let mut conn = db.get()?;
            match action {
                JobsCommand::List { state, limit } => {
                    for job in jobs::list(&mut conn, state, limit.clamp(1, 10_000))? {
                        println!(
                            "{}\t{}\t{}\t{}/{}\t{}\t{}",
                            job.id,
                            job.state,
                            job.kind,
                            job.attempts,
                            job.max_attempts,
                            job.run_at.format("%Y-%m-%dT%H:%M:%SZ"),
                            job.last_error.replace(['\n', '\t'], " ")
                        );
                    }
                }
                JobsCommand::Retry { id } => {
                    let n = jobs::retry(&mut conn, id)?;
                    println!("{n} dead jobs queued again");
                }
                JobsCommand::Purge {
                    older_than_days,
                    dead,
                } => {
                    let before =
                        ensemble_api::db::now() - chrono::Duration::days(older_than_days.max(0));
                    let n = jobs::purge(&mut conn, before, !dead)?;
                    println!("{n} finished jobs deleted");
                }
            }
            Ok(())
        }
        Command::Digests {
            action: DigestsCommand::Queue { at },
        } => {
            let at = at.map_or_else(chrono::Utc::now, |at| at.with_timezone(&chrono::Utc));
            let db = Db::connect(&cli.settings.database()?, 1)?;
            let mut conn = db.get()?;
            let started = std::time::Instant::now();
            let queued = ensemble_api::db::digests::queue_due_at(&mut conn, at)?;
            println!(
                "{queued} digests queued for {} in {:.3} s",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Explain { what, sql_only } => {
            use ensemble_api::db::{search, sql::Bind, updates};
            let db = Db::connect(&cli.settings.database()?, 1)?;
            let mut conn = db.get()?;
            const PAGE: i64 = 20;
            let sql = match what {
                ExplainCommand::Feed { user, page } => {
                    let mut after = None;
                    for _ in 1..page {
                        let rows = updates::feed(&mut conn, user, after.as_ref(), PAGE)?;
                        let Some(last) = rows.get(PAGE as usize - 1) else {
                            anyhow::bail!("this feed has fewer than {page} pages");
                        };
                        after = Some(last.key());
                    }
                    updates::feed_query(&conn, user, after.as_ref(), PAGE)
                }
                ExplainCommand::Search { q } => {
                    let matching = ensemble_api::domain::search::query(&q)
                        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
                    let filters = search::Filters {
                        matching,
                        ..search::Filters::default()
                    };
                    search::search_query(
                        &conn,
                        &filters,
                        ensemble_api::domain::search::Sort::Relevance,
                        None,
                        "en",
                        PAGE,
                    )
                }
            };
            println!("{}", sql.sql_text());
            for (n, bind) in sql.binds().iter().enumerate() {
                let value = match bind {
                    Bind::Int(v) => v.to_string(),
                    Bind::Float(v) => v.to_string(),
                    Bind::Text(v) => format!("'{}'", v.replace('\'', "''")),
                    Bind::Time(v) => format!("'{}'", v.format("%Y-%m-%d %H:%M:%S%.6f")),
                };
                println!("-- ${} = {value}", n + 1);
            }
            if !sql_only {
                println!();
                for line in sql.explain(&mut conn)? {
                    println!("{line}");
                }
            }
            Ok(())
        }
        Command::Openapi { output } => {
            let yaml = openapi::yaml()?;
            match output {
                Some(path) => std::fs::write(&path, yaml)
                    .with_context(|| format!("writing {}", path.display())),
                None => {
                    print!("{yaml}");
                    Ok(())
                }
            }
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings)?;
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}
