//! How a donation moves: the states, forward only, and what each provider event may do.
//! Every transition in the database goes through [`Status::advance`], under a lock on the
//! donation and conditional on the state it leaves (`db::donations::transition`).

crate::text_enum! {
    /// Where a donation stands.
    pub enum Status {
        Pending = "pending",
        Succeeded = "succeeded",
        Failed = "failed",
        Expired = "expired",
        Refunded = "refunded",
        Active = "active",
        Cancelled = "cancelled",
    }
}

crate::text_enum! {
    /// Where one payment stands.
    pub enum PaymentStatus {
        Succeeded = "succeeded",
        Refunded = "refunded",
    }
}

impl Status {
    /// How far along its path a donation is; a transition only ever goes up. One-off:
    /// pending → succeeded | failed | expired → refunded (from succeeded). Recurring:
    /// pending → active | failed | expired | cancelled → cancelled (from active).
    fn rank(self) -> u8 {
        match self {
            Status::Pending => 0,
            Status::Succeeded | Status::Failed | Status::Expired | Status::Active => 1,
            Status::Refunded | Status::Cancelled => 2,
        }
    }

    /// The status after `next`, if moving there is allowed: forward only, along the
    /// donation's kind of path. An event that would go sideways or back (a late
    /// "expired" after "succeeded", a repeated event) changes nothing.
    pub fn advance(self, next: Status, recurring: bool) -> Option<Status> {
        let on_path = match next {
            Status::Pending => false,
            Status::Succeeded | Status::Refunded => !recurring,
            Status::Active | Status::Cancelled => recurring,
            Status::Failed | Status::Expired => true,
        };
        let from_ok = match next {
            Status::Refunded => self == Status::Succeeded,
            Status::Cancelled => matches!(self, Status::Active | Status::Pending),
            _ => self == Status::Pending,
        };
        (on_path && from_ok && next.rank() > self.rank()).then_some(next)
    }

    /// Whether a payment may be counted for a donation in this state: a one-off one
    /// while it is pending (the checkout completing), a recurring one while pending (its
    /// first invoice may come before the checkout's own event) or active.
    pub fn takes_payment(self, recurring: bool) -> bool {
        match self {
            Status::Pending => true,
            Status::Active => recurring,
            _ => false,
        }
    }

    /// A recurring gift the donor can still stop.
    pub fn is_live_recurring(self) -> bool {
        matches!(self, Status::Pending | Status::Active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn donations_only_move_forward_on_their_path() {
        use Status::*;
        assert_eq!(Pending.advance(Succeeded, false), Some(Succeeded));
        assert_eq!(Succeeded.advance(Refunded, false), Some(Refunded));
        assert_eq!(Succeeded.advance(Expired, false), None, "a late expiry");
        assert_eq!(
            Succeeded.advance(Succeeded, false),
            None,
            "a repeated event"
        );
        assert_eq!(Refunded.advance(Succeeded, false), None, "an older event");
        assert_eq!(Failed.advance(Succeeded, false), None);
        assert_eq!(Succeeded.advance(Failed, false), None, "paid stays paid");
        assert_eq!(Pending.advance(Refunded, false), None);
        assert_eq!(
            Pending.advance(Active, false),
            None,
            "one-off gifts are never active"
        );
        assert_eq!(Pending.advance(Active, true), Some(Active));
        assert_eq!(Active.advance(Cancelled, true), Some(Cancelled));
        assert_eq!(Active.advance(Failed, true), None);
        assert_eq!(Cancelled.advance(Active, true), None);
        assert_eq!(Pending.advance(Succeeded, true), None);
        assert_eq!(Pending.advance(Expired, true), Some(Expired));
        assert_eq!(Pending.advance(Cancelled, true), Some(Cancelled));
    }

    #[test]
    fn payments_count_only_where_the_path_takes_them() {
        assert!(Status::Pending.takes_payment(false));
        assert!(!Status::Succeeded.takes_payment(false), "counted once");
        assert!(!Status::Failed.takes_payment(false));
        assert!(Status::Active.takes_payment(true));
        assert!(!Status::Cancelled.takes_payment(true));
        assert!(!Status::Expired.takes_payment(true));
    }

    #[test]
    fn stored_names_round_trip_and_unknown_ones_are_refused() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(*status));
        }
        assert_eq!(Status::parse("paid"), None);
        assert_eq!(Status::parse(""), None);
    }
}
