//! Prometheus metrics: requests by route and status, latency, database pool usage, the job
//! queue (jobs by state, runs by kind and outcome). One registry per application instance
//! (no global), so tests can run many servers at once.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use actix_web::HttpRequest;

use crate::db::Db;
use crate::domain::jobs::State;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    jobs_queued: IntGaugeVec,
    job_runs: IntCounterVec,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("ensemble".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )?;
        let jobs_queued = IntGaugeVec::new(
            Opts::new(
                "jobs",
                "Background jobs by state (the whole queue, all servers)",
            ),
            &["state"],
        )?;
        let job_runs = IntCounterVec::new(
            Opts::new(
                "job_runs_total",
                "Background jobs this server ran, by kind and outcome (done, retry, dead)",
            ),
            &["kind", "outcome"],
        )?;
        registry.register(Box::new(jobs_queued.clone()))?;
        registry.register(Box::new(job_runs.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
            jobs_queued,
            job_runs,
        })
    }

    /// A job this server ran, and what came of it.
    pub fn job_ran(&self, kind: &str, outcome: &str) {
        self.job_runs.with_label_values(&[kind, outcome]).inc();
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// The text exposition format, with the pool gauges read now and the queue's depth as
    /// the database just counted it.
    pub fn render(&self, db: &Db, jobs: &[(State, i64)]) -> anyhow::Result<String> {
        for state in State::ALL {
            let count = jobs
                .iter()
                .find(|(counted, _)| counted == state)
                .map_or(0, |(_, count)| *count);
            self.jobs_queued
                .with_label_values(&[state.as_str()])
                .set(count);
        }
        let usage = db.usage();
        self.pool
            .with_label_values(&["in_use"])
            .set(i64::from(usage.in_use));
        self.pool
            .with_label_values(&["idle"])
            .set(i64::from(usage.idle));
        self.pool
            .with_label_values(&["max"])
            .set(i64::from(usage.max));
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(String::from_utf8(out)?)
    }
}

/// Who may read `/metrics`: the holder of its token when one is set; else, on a server
/// whose public address is this machine (a development one), a client on this machine
/// talking to it directly. A deployed server without a token shows its metrics to nobody
/// (a proxy on the same machine could otherwise pass them on).
#[derive(Debug, Clone)]
pub struct MetricsAccess {
    pub token: Option<crate::secrets::Secret>,
    pub local_server: bool,
}

impl MetricsAccess {
    pub fn allows(&self, req: &HttpRequest) -> bool {
        match &self.token {
            Some(token) => req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|given| {
                    crate::payments::signature::constant_time_eq(
                        given.as_bytes(),
                        token.expose().as_bytes(),
                    )
                }),
            None => {
                self.local_server
                    && req.peer_addr().is_some_and(|peer| peer.ip().is_loopback())
                    && !req.headers().contains_key("x-forwarded-for")
                    && !req.headers().contains_key("forwarded")
            }
        }
    }
}
