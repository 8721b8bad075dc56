//! Organisations: the directory, a profile and its related organisations, following one,
//! creating and editing one.

use ensemble_wire::{
    FollowState, NewOrganisation, Organisation, OrganisationProfile, Page, UpdateOrganisation,
};
use gloo_net::http::Method;

use super::{ApiClient, ApiError};

/// An order of the directory other than the server's default (by relevance when words are
/// searched, else the newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Followers,
    Recent,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Followers, Sort::Recent, Sort::Name];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Followers => "followers",
            Sort::Recent => "recent",
            Sort::Name => "name",
        }
    }
}

/// A search of the directory. An empty text, `false` or `None` leaves that filter out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    pub words: String,
    /// A cause's slug.
    pub cause: String,
    /// Two letters (ISO 3166-1).
    pub country: String,
    /// A language code the organisation writes in.
    pub language: String,
    pub verified_only: bool,
    pub sort: Option<Sort>,
}

impl DirectoryQuery {
    /// The query's parameters, by the API's names (which the app's address uses too).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        [
            ("q", self.words.trim().to_owned()),
            ("cause", self.cause.trim().to_owned()),
            ("country", self.country.trim().to_owned()),
            ("language", self.language.trim().to_owned()),
            (
                "verified",
                if self.verified_only {
                    "true".into()
                } else {
                    String::new()
                },
            ),
            (
                "sort",
                self.sort.map(Sort::as_str).unwrap_or_default().to_owned(),
            ),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect()
    }
}

impl ApiClient {
    /// One page of the directory, the first or the one after `cursor`.
    pub async fn directory(
        &self,
        query: &DirectoryQuery,
        cursor: Option<&str>,
    ) -> Result<Page<Organisation>, ApiError> {
        let mut params = query.params();
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor.to_owned()));
        }
        self.get("/organisations", &params).await
    }

    /// The profile in the reader's language (`Accept-Language`), where it is translated.
    pub async fn organisation(&self, slug: &str) -> Result<OrganisationProfile, ApiError> {
        self.get(&format!("/organisations/{slug}"), &[]).await
    }

    /// The profile in the language `lang`, whatever the reader's.
    pub async fn organisation_in(
        &self,
        slug: &str,
        lang: &str,
    ) -> Result<OrganisationProfile, ApiError> {
        self.get(
            &format!("/organisations/{slug}"),
            &[("lang", lang.to_owned())],
        )
        .await
    }

    /// Organisations like this one.
    pub async fn related_organisations(&self, slug: &str) -> Result<Page<Organisation>, ApiError> {
        self.get(&format!("/organisations/{slug}/related"), &[])
            .await
    }

    /// Creates an organisation, of which the person becomes the owner.
    pub async fn create_organisation(
        &self,
        body: &NewOrganisation,
    ) -> Result<OrganisationProfile, ApiError> {
        self.send(Method::POST, "/organisations", Some(body)).await
    }

    pub async fn edit_organisation(
        &self,
        slug: &str,
        changes: &UpdateOrganisation,
    ) -> Result<OrganisationProfile, ApiError> {
        self.send(
            Method::PATCH,
            &format!("/organisations/{slug}"),
            Some(changes),
        )
        .await
    }

    /// Whether the person follows the organisation, and its count of followers.
    pub async fn follow_state(&self, slug: &str) -> Result<FollowState, ApiError> {
        self.get(&format!("/organisations/{slug}/follow"), &[])
            .await
    }

    /// Follows the organisation (`true`) or stops following it.
    pub async fn set_following(&self, slug: &str, follow: bool) -> Result<FollowState, ApiError> {
        let method = if follow { Method::PUT } else { Method::DELETE };
        self.send::<(), _>(method, &format!("/organisations/{slug}/follow"), None)
            .await
    }
}
