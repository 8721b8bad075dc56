//! What the signed-in person receives by mail (`/me/mail-preferences`), and the one-click
//! unsubscribe of a message (`POST /mail/unsubscribe`, RFC 8058), which needs no sign-in:
//! the signed link is the proof.

use actix_web::web::{self, Data};
use actix_web::{get, patch, post};
use ensemble_wire::email::{
    DigestFrequency, MailDelivery, MailPreferences, Unsubscribed, UpdateMailPreferences,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Auth, Read, Write};
use crate::db::{Db, StoreError, mail_preferences};
use crate::domain::notifications::MailChanges;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::mail::unsubscribe::{Topic, UnsubscribeKey};

/// What you receive by mail: each category (at once, in the digest, or never), the
/// digest's frequency and your time zone.
#[utoipa::path(
    tag = "me",
    operation_id = "get_mail_preferences",
    security(("bearer" = [])),
    responses((status = 200, description = "Your choices", body = MailPreferences))
)]
#[get("/me/mail-preferences")]
pub async fn get(auth: Auth<Read>, db: Data<Db>) -> Result<web::Json<MailPreferences>, ApiError> {
    let user_id = auth.user_id;
    let preferences = db
        .run(move |conn| Ok(mail_preferences::get(conn, user_id)?))
        .await?;
    Ok(web::Json(preferences.into()))
}

/// Change what you receive by mail; what is absent stays as it is.
#[utoipa::path(
    tag = "me",
    operation_id = "update_mail_preferences",
    security(("bearer" = [])),
    request_body = UpdateMailPreferences,
    responses((status = 200, description = "Your choices now", body = MailPreferences))
)]
#[patch("/me/mail-preferences")]
pub async fn update(
    auth: Auth<Write>,
    db: Data<Db>,
    Json(body): Json<UpdateMailPreferences>,
) -> Result<web::Json<MailPreferences>, ApiError> {
    let changes = MailChanges::try_from(body).map_err(ApiError::Validation)?;
    let user_id = auth.user_id;
    let preferences = db
        .run(move |conn| Ok(mail_preferences::set(conn, user_id, &changes)?))
        .await?;
    Ok(web::Json(preferences.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeParams {
    /// The token of the message's unsubscribe link.
    #[param(min_length = 1, max_length = 200)]
    pub token: String,
}

/// Stop one category of messages: the link every non-essential message carries (its
/// `List-Unsubscribe` header; mail readers POST to it in one click, RFC 8058). Whatever the
/// body says, the category stops.
#[utoipa::path(
    tag = "me",
    operation_id = "unsubscribe",
    params(UnsubscribeParams),
    responses(
        (status = 200, description = "Stopped", body = Unsubscribed),
        (status = 404, description = "No such link (or no such account any more)"),
    )
)]
#[post("/mail/unsubscribe")]
pub async fn unsubscribe(
    db: Data<Db>,
    key: Data<UnsubscribeKey>,
    Query(params): Query<UnsubscribeParams>,
) -> Result<web::Json<Unsubscribed>, ApiError> {
    let (user_id, topic) = key
        .verify(&params.token)
        .ok_or(ApiError::NotFound("link"))?;
    let stopped = db
        .run(move |conn| Ok(mail_preferences::stop(conn, user_id, topic)?))
        .await?;
    if !stopped {
        return Err(StoreError::NotFound("link").into());
    }
    Ok(web::Json(match topic {
        Topic::Category(category) => Unsubscribed {
            category: Some(category.into()),
            delivery: Some(MailDelivery::Never),
            digest: None,
        },
        Topic::Digest => Unsubscribed {
            category: None,
            delivery: None,
            digest: Some(DigestFrequency::Never),
        },
    }))
}
