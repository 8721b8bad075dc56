//! Organisations: directory cards, profiles, the short reference other resources carry,
//! teams and invitations.

use ensemble_wire::{
    Invitation, Member, Organisation, OrganisationProfile, OrganisationRef, PersonRef, Registration,
};

use super::utc;
use crate::db::organisations::{Brief, Profile};
use crate::db::search::Card;
use crate::db::teams::{InvitationRow, MemberRow};
use crate::domain::markdown;

impl From<Brief> for OrganisationRef {
    fn from(brief: Brief) -> Self {
        OrganisationRef {
            slug: brief.slug,
            name: brief.name,
            logo: crate::media::picture(brief.logo.as_deref()),
            verification_status: brief.verification_status.into(),
        }
    }
}

impl From<Card> for Organisation {
    fn from(card: Card) -> Self {
        Organisation {
            id: card.id.to_string(),
            slug: card.slug,
            name: card.name,
            mission: card.shown_mission,
            language: card.shown_language,
            country: card.country,
            logo: crate::media::picture(card.logo.as_deref()),
            followers_count: card.followers_count,
            verification_status: card.verification_status.into(),
            created_at: utc(card.created_at),
        }
    }
}

/// The profile without its donation totals (the caller adds them).
impl From<Profile> for OrganisationProfile {
    fn from(profile: Profile) -> Self {
        let row = profile.row;
        OrganisationProfile {
            id: row.id.to_string(),
            slug: row.slug,
            description_html: markdown::to_safe_html(&row.description),
            name: row.name,
            mission: row.mission,
            description: row.description,
            language: row.text_language,
            text_languages: profile.text_languages,
            website: row.website,
            links: profile.links,
            logo: crate::media::picture(row.logo.as_deref()),
            cover: crate::media::picture(row.cover.as_deref()),
            country: row.country,
            city: row.city,
            founded_year: row.founded_year,
            languages: profile.languages,
            causes: profile.causes,
            registration: row
                .registry
                .zip(row.registration_number)
                .map(|(registry, number)| Registration { registry, number }),
            verification_status: row.verification_status.into(),
            under_review: row.hidden_at.is_some(),
            followers_count: row.followers_count,
            donation_totals: Vec::new(),
            test_donation_totals: Vec::new(),
            created_at: utc(row.created_at),
        }
    }
}

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Self {
        Member {
            user_id: row.user_id.to_string(),
            display_name: row.display_name,
            role: row.role.into(),
            since: utc(row.since),
        }
    }
}

/// An invitation with its status as it stands now (a pending one past its time lapsed).
impl From<InvitationRow> for Invitation {
    fn from(row: InvitationRow) -> Self {
        let status = row.status_at(crate::db::now());
        Invitation {
            id: row.id,
            organisation: row.organisation.into(),
            invitee: row
                .user_id
                .zip(row.invitee_name)
                .map(|(user_id, display_name)| PersonRef {
                    user_id: user_id.to_string(),
                    display_name,
                    avatar: None,
                }),
            email: row.email,
            invited_by: row
                .invited_by
                .zip(row.inviter_name)
                .map(|(user_id, display_name)| PersonRef {
                    user_id: user_id.to_string(),
                    display_name,
                    avatar: None,
                }),
            role: row.role.into(),
            status: status.into(),
            created_at: utc(row.created_at),
            expires_at: utc(row.expires_at),
        }
    }
}
