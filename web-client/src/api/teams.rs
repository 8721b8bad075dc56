//! An organisation's team: its members and their roles, and invitations, from the team's
//! side and from the invited person's.

use ensemble_wire::{Invitation, Member, MemberRole, NewMember, Page};
use gloo_net::http::Method;

use super::{ApiClient, ApiError, encode};

impl ApiClient {
    pub async fn members(&self, slug: &str) -> Result<Page<Member>, ApiError> {
        self.get(&format!("/organisations/{slug}/members"), &[])
            .await
    }

    /// Invites someone to the team: they join once they accept.
    pub async fn invite(&self, slug: &str, body: &NewMember) -> Result<Invitation, ApiError> {
        self.send(
            Method::POST,
            &format!("/organisations/{slug}/members"),
            Some(body),
        )
        .await
    }

    pub async fn set_member_role(
        &self,
        slug: &str,
        user_id: &str,
        body: &MemberRole,
    ) -> Result<Member, ApiError> {
        let path = format!("/organisations/{slug}/members/{user_id}");
        self.send(Method::PATCH, &path, Some(body)).await
    }

    pub async fn remove_member(&self, slug: &str, user_id: &str) -> Result<(), ApiError> {
        let path = format!("/organisations/{slug}/members/{user_id}");
        self.send_no_content::<()>(Method::DELETE, &path, None)
            .await
    }

    /// The invitations the team sent.
    pub async fn team_invitations(
        &self,
        slug: &str,
        limit: u32,
    ) -> Result<Page<Invitation>, ApiError> {
        self.get(
            &format!("/organisations/{slug}/invitations"),
            &[("limit", limit.to_string())],
        )
        .await
    }

    pub async fn revoke_invitation(&self, slug: &str, id: &str) -> Result<(), ApiError> {
        let path = format!("/organisations/{slug}/invitations/{id}");
        self.send_no_content::<()>(Method::DELETE, &path, None)
            .await
    }

    /// The invitations waiting for the person's answer.
    pub async fn my_invitations(&self) -> Result<Page<Invitation>, ApiError> {
        self.get("/me/invitations", &[]).await
    }

    /// Accepts the invitation (`true`) or declines it.
    pub async fn answer_invitation(&self, id: &str, accept: bool) -> Result<Invitation, ApiError> {
        let verb = if accept { "accept" } else { "decline" };
        let path = format!("/me/invitations/{id}/{verb}");
        self.send::<(), _>(Method::POST, &path, None).await
    }

    /// The invitation a link mailed to an address opens (no sign-in needed: the link is
    /// the proof).
    pub async fn linked_invitation(&self, token: &str) -> Result<Invitation, ApiError> {
        self.get(&format!("/invitations/{}", encode(token)), &[])
            .await
    }

    /// Accepts, signed in, the invitation a mailed link opens: it becomes this account's.
    pub async fn accept_linked_invitation(&self, token: &str) -> Result<Invitation, ApiError> {
        let path = format!("/invitations/{}/accept", encode(token));
        self.send::<(), _>(Method::POST, &path, None).await
    }

    /// Declines the invitation a mailed link opens, with or without an account.
    pub async fn decline_linked_invitation(&self, token: &str) -> Result<Invitation, ApiError> {
        let path = format!("/invitations/{}/decline", encode(token));
        self.send::<(), _>(Method::POST, &path, None).await
    }
}
