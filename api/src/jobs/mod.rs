//! The job runner: workers inside the server that take due jobs from the database
//! (`db::jobs`), do them, and record what became of each; and the scheduler that queues
//! periodic work once per period whichever server asks first. Several servers on one
//! PostgreSQL share the queue: each job is taken by one worker at a time.
//!
//! A job is done at least once: a worker that dies after doing a job but before recording
//! it leaves the job to be taken again when its lease runs out. What a job does is
//! therefore safe to repeat (a mail sent twice at worst, never a payment applied twice:
//! donations have their own exactly-once rules).
//!
//! Why not a crate: the well-kept job queues for Rust (apalis, fang, graphile_worker,
//! backie) each speak one database through sqlx or diesel-async; none takes diesel's
//! `MultiConnection` on both SQLite and PostgreSQL, and the whole queue here is one table
//! and four statements.

mod work;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;

use crate::db::{Db, StoreError, jobs as store};
use crate::domain::jobs::{Job, Periodic, backoff};

pub use work::Context;

/// How the runner works (from the settings).
#[derive(Debug, Clone)]
pub struct Config {
    /// Jobs one server does at once; 0 runs no worker (the queue fills until a server that
    /// has workers takes it).
    pub concurrency: usize,
    /// How often an idle worker looks for work (a job queued by this server wakes it at
    /// once).
    pub poll: Duration,
    /// A job's first retry waits this long; each next one twice as long.
    pub retry_base: Duration,
    /// How long a worker may hold a job before another may take it.
    pub lease: Duration,
}

/// Wakes this server's workers when a job is queued here.
#[derive(Debug, Default)]
pub struct Wake(Notify);

impl Wake {
    pub fn now(&self) {
        self.0.notify_waiters();
    }
}

/// The running workers and scheduler of one server; they stop when it is dropped.
pub struct Runner {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Runner {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Runner {
    /// Starts the workers and the scheduler on the current runtime.
    pub fn start(config: Config, context: Arc<Context>, wake: Arc<Wake>) -> Self {
        let mut tasks = Vec::new();
        if config.concurrency == 0 {
            return Self { tasks };
        }
        let worker_name = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        for n in 0..config.concurrency {
            let worker = Worker {
                name: format!("{worker_name}-{n}"),
                config: config.clone(),
                context: context.clone(),
                wake: wake.clone(),
            };
            tasks.push(tokio::spawn(worker.run()));
        }
        tasks.push(tokio::spawn(schedule(context.db.clone(), wake)));
        Self { tasks }
    }
}

struct Worker {
    name: String,
    config: Config,
    context: Arc<Context>,
    wake: Arc<Wake>,
}

impl Worker {
    async fn run(self) {
        loop {
            // Listening before looking: a job queued while this worker looks wakes it.
            let woken = self.wake.0.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match self.take_one().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "cannot take jobs"),
            }
            let _ = tokio::time::timeout(self.config.poll, woken).await;
        }
    }

    /// Takes and does one due job; false when there was none.
    async fn take_one(&self) -> Result<bool, StoreError> {
        let (name, lease) = (self.name.clone(), self.config.lease);
        let claimed = self
            .context
            .db
            .run(move |conn| {
                let until = crate::db::now()
                    + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(10));
                Ok(store::claim(conn, &name, 1, until)?)
            })
            .await?;
        let Some(job) = claimed.into_iter().next() else {
            return Ok(false);
        };
        let outcome = match serde_json::from_str::<Job>(&job.payload) {
            Ok(work) => {
                let deadline = self.config.lease.mul_f64(0.8);
                match tokio::time::timeout(deadline, work::run(&self.context, work)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(work::Failure(format!("took longer than {deadline:?}"))),
                }
            }
            Err(e) => Err(work::Failure(format!("cannot read the job: {e}"))),
        };
        let metrics = &self.context.metrics;
        let (id, name) = (job.id, self.name.clone());
        match outcome {
            Ok(()) => {
                metrics.job_ran(&job.kind, "done");
                self.context
                    .db
                    .run(move |conn| Ok(store::finish(conn, id, &name)?))
                    .await?;
            }
            Err(work::Failure(error)) => {
                let retry_at = (job.attempts < job.max_attempts).then(|| {
                    let wait = backoff(self.config.retry_base, job.attempts, rand::random());
                    crate::db::now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6))
                });
                let state = if retry_at.is_some() { "retry" } else { "dead" };
                metrics.job_ran(&job.kind, state);
                tracing::warn!(job = id, kind = %job.kind, attempt = job.attempts, %error, state, "job failed");
                self.context
                    .db
                    .run(move |conn| Ok(store::fail(conn, id, &name, &error, retry_at)?))
                    .await?;
            }
        }
        Ok(true)
    }
}

/// Queues each periodic job once per period: every server looks each minute, and the
/// job's key lets only the first one through.
async fn schedule(db: Db, wake: Arc<Wake>) {
    loop {
        let now = Utc::now();
        let queued = db
            .run(move |conn| {
                let mut queued = false;
                for periodic in Periodic::ALL {
                    queued |=
                        store::enqueue_once(conn, &periodic.job(), &periodic.unique_key(now))?;
                }
                Ok(queued)
            })
            .await;
        match queued {
            Ok(true) => wake.now(),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot queue periodic work"),
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

/// What `/metrics` shows of the queue: the jobs in each state.
pub async fn depth(db: &Db) -> Result<Vec<(crate::domain::jobs::State, i64)>, StoreError> {
    db.run(|conn| Ok(store::depth(conn)?)).await
}
