//! Background work: what a job is, how it is retried, and what runs periodically. The
//! storage (`db::jobs`) keeps jobs; the runner (`crate::jobs`) does them.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// Where a job is in its life: waiting for its time, taken by a worker, finished, or
    /// given up after its last attempt (dead: `ensemble jobs retry` sends it again).
    pub enum State {
        Queued = "queued",
        Running = "running",
        Done = "done",
        Dead = "dead",
    }
}

/// A piece of work, stored as JSON with its kind. Each names what it is about (an account,
/// an address), never a secret: a link's token is made when the mail is sent, so the job
/// table holds nothing that would open an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Mail to a person.
    Mail(Mail),
    /// Ask the payment provider about donations still pending (a webhook that never came).
    Reconcile,
    /// Forget what has expired: used or stale links, sign-in states, old finished jobs.
    CleanUp,
    /// Queue the digests due this hour: readers whose morning it is, in their time zone.
    QueueDigests,
    /// Draw the demo organisations' logos, covers and photos (after the demo data loads:
    /// making them takes a while, and the files go to the picture store).
    DemoPictures { organisations: Vec<String> },
}

/// The mail a person is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mail", rename_all = "snake_case")]
pub enum Mail {
    /// A link that proves the account's address is its owner's.
    VerifyAddress { user_id: i64 },
    /// A link to choose a new password (sent only to an address that has an account).
    ResetPassword { user_id: i64 },
    /// A link, sent to the new address, that makes it the account's.
    ConfirmNewAddress { user_id: i64, address: String },
    /// The old address is told that the account's address changed.
    AddressChanged { user_id: i64, old_address: String },
    /// The password was changed (by a reset): told, in case it was not them.
    PasswordChanged { user_id: i64 },
    /// A notification the person wants by mail at once.
    Notification { notification_id: i64 },
    /// The receipt of a payment, to its donor.
    Receipt { payment_id: i64 },
    /// The digest of the news a reader follows.
    Digest { user_id: i64 },
    /// A period of a monthly gift could not be charged (the provider tries again).
    RecurringFailed { donation_id: i64 },
    /// An invitation to a team sent to an address, with its link.
    Invitation { invitation_id: String },
}

impl Job {
    /// The kind as listed (`ensemble jobs list`) and counted (`/metrics`).
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Mail(mail) => match mail {
                Mail::VerifyAddress { .. } => "mail.verify_address",
                Mail::ResetPassword { .. } => "mail.reset_password",
                Mail::ConfirmNewAddress { .. } => "mail.confirm_new_address",
                Mail::AddressChanged { .. } => "mail.address_changed",
                Mail::PasswordChanged { .. } => "mail.password_changed",
                Mail::Notification { .. } => "mail.notification",
                Mail::Receipt { .. } => "mail.receipt",
                Mail::Digest { .. } => "mail.digest",
                Mail::Invitation { .. } => "mail.invitation",
                Mail::RecurringFailed { .. } => "mail.recurring_failed",
            },
            Job::Reconcile => "reconcile",
            Job::CleanUp => "clean_up",
            Job::QueueDigests => "queue_digests",
            Job::DemoPictures { .. } => "demo_pictures",
        }
    }

    /// Tries before a job is dead. Mail is tried for about a day (an SMTP outage), the rest
    /// a few times (it runs again at its next period anyway).
    pub fn max_attempts(&self) -> i32 {
        match self {
            Job::Mail(_) => 12,
            Job::Reconcile | Job::CleanUp | Job::QueueDigests | Job::DemoPictures { .. } => 3,
        }
    }
}

/// How long after its `attempts`-th failure a job is tried again: `base` doubled each
/// time, at most six hours, with up to a tenth more at random so that jobs failed together
/// do not all come back together.
pub fn backoff(base: Duration, attempts: i32, jitter: f64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let delay = base.saturating_mul(1u32 << doublings).min(MAX_BACKOFF);
    delay.mul_f64(1.0 + jitter.clamp(0.0, 1.0) / 10.0)
}

const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// Work that runs periodically, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Periodic {
    /// Hourly.
    Reconcile,
    /// Daily.
    CleanUp,
    /// Hourly: somewhere it is the morning.
    Digests,
}

impl Periodic {
    pub const ALL: [Periodic; 3] = [Periodic::Reconcile, Periodic::CleanUp, Periodic::Digests];

    pub fn job(self) -> Job {
        match self {
            Periodic::Reconcile => Job::Reconcile,
            Periodic::CleanUp => Job::CleanUp,
            Periodic::Digests => Job::QueueDigests,
        }
    }

    /// The start of the period `at` falls in.
    pub fn period_start(self, at: DateTime<Utc>) -> NaiveDateTime {
        let at = at.naive_utc();
        let hour = at.date().and_hms_opt(at.hour(), 0, 0).unwrap_or(at);
        match self {
            Periodic::Reconcile | Periodic::Digests => hour,
            Periodic::CleanUp => at.date().and_hms_opt(0, 0, 0).unwrap_or(hour),
        }
    }

    /// The key that makes the period's job once, whichever server makes it first.
    pub fn unique_key(self, at: DateTime<Utc>) -> String {
        let start = self.period_start(at);
        let name = match self {
            Periodic::Reconcile => "reconcile",
            Periodic::CleanUp => "clean_up",
            Periodic::Digests => "digests",
        };
        format!(
            "every:{name}:{:04}-{:02}-{:02}T{:02}",
            start.year(),
            start.month(),
            start.day(),
            start.hour()
        )
    }
}

/// The hour of the reader's morning the digest comes at.
pub const DIGEST_HOUR: u32 = 8;

/// Of `zones` (IANA names), those where `at` falls in the digest's hour, and, for weekly
/// digests, on a Monday. Unknown names never match (they cannot be stored, but a removed
/// zone must not stop the others).
pub fn morning_zones(zones: &[String], at: DateTime<Utc>, weekly: bool) -> Vec<String> {
    zones
        .iter()
        .filter(|name| {
            name.parse::<chrono_tz::Tz>().is_ok_and(|tz| {
                let local = at.with_timezone(&tz);
                local.hour() == DIGEST_HOUR && (!weekly || local.weekday() == chrono::Weekday::Mon)
            })
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1, 0.0), Duration::from_secs(30));
        assert_eq!(backoff(base, 2, 0.0), Duration::from_secs(60));
        assert_eq!(backoff(base, 5, 0.0), Duration::from_secs(480));
        assert_eq!(backoff(base, 40, 0.0), MAX_BACKOFF);
        assert_eq!(backoff(base, 1, 1.0), Duration::from_secs(33));
        assert_eq!(backoff(base, 0, 0.0), Duration::from_secs(30));
    }

    #[test]
    fn a_period_has_one_key_whenever_it_is_asked() {
        let at = |h, m| {
            DateTime::parse_from_rfc3339(&format!("2026-12-04T{h:02}:{m:02}:17Z"))
                .unwrap()
                .with_timezone(&Utc)
        };
        assert_eq!(
            Periodic::Reconcile.unique_key(at(9, 1)),
            Periodic::Reconcile.unique_key(at(9, 59))
        );
        assert_ne!(
            Periodic::Reconcile.unique_key(at(9, 59)),
            Periodic::Reconcile.unique_key(at(10, 0))
        );
        assert_eq!(
            Periodic::CleanUp.unique_key(at(0, 0)),
            Periodic::CleanUp.unique_key(at(23, 59))
        );
        assert_eq!(
            Periodic::CleanUp.unique_key(at(9, 1)),
            "every:clean_up:2026-12-04T00"
        );
    }

    #[test]
    fn a_digest_comes_at_eight_in_the_readers_morning_and_weekly_ones_on_monday() {
        let zones: Vec<String> = [
            "UTC",
            "Europe/Paris",
            "America/Bogota",
            "Asia/Shanghai",
            "Nowhere/Atlantis",
        ]
        .map(String::from)
        .to_vec();
        // Monday 7 December 2026, 07:30 UTC: 08:30 in Paris, 15:30 in Shanghai.
        let at = DateTime::parse_from_rfc3339("2026-12-07T07:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(morning_zones(&zones, at, false), ["Europe/Paris"]);
        assert_eq!(morning_zones(&zones, at, true), ["Europe/Paris"]);
        // Monday 13:00 UTC is 08:00 in Bogota.
        let at = DateTime::parse_from_rfc3339("2026-12-07T13:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(morning_zones(&zones, at, false), ["America/Bogota"]);
        // Tuesday 00:00 UTC is Tuesday 08:00 in Shanghai: daily, not weekly.
        let at = DateTime::parse_from_rfc3339("2026-12-08T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(morning_zones(&zones, at, false), ["Asia/Shanghai"]);
        assert!(morning_zones(&zones, at, true).is_empty());
    }

    #[test]
    fn jobs_read_back_as_they_were_written() {
        let job = Job::Mail(Mail::ConfirmNewAddress {
            user_id: 7,
            address: "new@example.org".into(),
        });
        let stored = serde_json::to_string(&job).unwrap();
        assert_eq!(serde_json::from_str::<Job>(&stored).unwrap(), job);
        assert!(stored.contains("\"kind\":\"mail\""), "{stored}");
        assert_eq!(job.kind(), "mail.confirm_new_address");
    }
}
