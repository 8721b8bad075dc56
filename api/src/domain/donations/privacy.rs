//! What an organisation may see of a donor: decided here, once, for every view of a
//! donation (JSON, lists, CSV, receipts, and the notifications, mail and webhooks that
//! name a gift). Nothing else reads a donor's name or address for an organisation.

/// Who is looking at a donation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The person who gave: they see everything of their own gift.
    Donor,
    /// The organisation's admins and owners.
    Organisation,
}

/// The donor as stored: `None` once their account is deleted.
#[derive(Debug, Clone, Copy)]
pub struct DonorRecord<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// The donor's choices on the gift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    /// Hide the name from the organisation (and from every public list).
    pub anonymous: bool,
    /// Let the organisation see the email address.
    pub share_contact: bool,
}

/// What the viewer may see of the donor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DonorView {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The one rule: the donor sees themself; the organisation sees the name unless the gift
/// is anonymous, and the address only with consent; a deleted donor is nobody.
pub fn donor_view(viewer: Viewer, donor: Option<DonorRecord<'_>>, consent: Consent) -> DonorView {
    let Some(donor) = donor else {
        return DonorView::default();
    };
    match viewer {
        Viewer::Donor => DonorView {
            name: Some(donor.name.to_owned()),
            email: Some(donor.email.to_owned()),
        },
        Viewer::Organisation => DonorView {
            name: (!consent.anonymous).then(|| donor.name.to_owned()),
            email: consent.share_contact.then(|| donor.email.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANA: DonorRecord<'static> = DonorRecord {
        name: "Ana",
        email: "ana@example.org",
    };

    fn consent(anonymous: bool, share_contact: bool) -> Consent {
        Consent {
            anonymous,
            share_contact,
        }
    }

    #[test]
    fn the_organisation_sees_only_what_the_donor_allowed() {
        let seen = donor_view(Viewer::Organisation, Some(ANA), consent(true, false));
        assert_eq!(seen, DonorView::default(), "anonymous, no contact");
        let seen = donor_view(Viewer::Organisation, Some(ANA), consent(true, true));
        assert_eq!(seen.name, None);
        assert_eq!(seen.email.as_deref(), Some("ana@example.org"));
        let seen = donor_view(Viewer::Organisation, Some(ANA), consent(false, false));
        assert_eq!(seen.name.as_deref(), Some("Ana"));
        assert_eq!(seen.email, None);
    }

    #[test]
    fn the_donor_sees_themself_and_a_deleted_donor_is_nobody() {
        let seen = donor_view(Viewer::Donor, Some(ANA), consent(true, false));
        assert_eq!(seen.name.as_deref(), Some("Ana"));
        assert_eq!(
            donor_view(Viewer::Organisation, None, consent(false, true)),
            DonorView::default()
        );
    }
}
