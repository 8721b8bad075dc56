//! The schema, identical on both backends (the migrations create it twice).

diesel::table! {
    organisations (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        mission -> Text,
        country -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        description -> Text,
        website -> Nullable<Text>,
        city -> Nullable<Text>,
        founded_year -> Nullable<Integer>,
        registry -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        followers_count -> BigInt,
        text_language -> Text,
        verification_status -> Text,
        sort_name -> Text,
        search_text -> Text,
        verified_name -> Nullable<Text>,
        verified_registry -> Nullable<Text>,
        verified_registration_number -> Nullable<Text>,
        verified_website -> Nullable<Text>,
        logo -> Nullable<Text>,
        cover -> Nullable<Text>,
        hidden_reason -> Nullable<Text>,
        hidden_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    organisation_translations (organisation_id, lang) {
        organisation_id -> BigInt,
        lang -> Text,
        mission -> Text,
        description -> Text,
    }
}

diesel::table! {
    organisation_links (organisation_id, position) {
        organisation_id -> BigInt,
        position -> Integer,
        url -> Text,
    }
}

diesel::table! {
    organisation_verifications (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        status -> Text,
        registry -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        note -> Text,
        decided_as -> Text,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        name -> Nullable<Text>,
        website -> Nullable<Text>,
    }
}

diesel::table! {
    organisation_follows (user_id, organisation_id) {
        user_id -> BigInt,
        organisation_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisation_languages (organisation_id, lang) {
        organisation_id -> BigInt,
        lang -> Text,
    }
}

diesel::table! {
    organisation_causes (organisation_id, cause_id) {
        organisation_id -> BigInt,
        cause_id -> BigInt,
    }
}

diesel::table! {
    organisation_members (organisation_id, user_id) {
        organisation_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        email_key -> Text,
        email_verified -> Bool,
        password_hash -> Nullable<Text>,
        display_name -> Text,
        bio -> Text,
        locale -> Text,
        country -> Nullable<Text>,
        follows_public -> Bool,
        is_admin -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        digest -> Text,
        time_zone -> Text,
        digest_sent_at -> Nullable<Timestamp>,
        avatar -> Nullable<Text>,
        is_moderator -> Bool,
        suspended_at -> Nullable<Timestamp>,
        suspended_until -> Nullable<Timestamp>,
        suspension_reason -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        user_agent -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> BigInt,
        name -> Text,
        scope -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_states (state_hash) {
        state_hash -> Text,
        provider -> Text,
        code_verifier -> Text,
        nonce -> Text,
        return_to -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    user_identities (provider, subject) {
        provider -> Text,
        subject -> Text,
        user_id -> BigInt,
        email -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    causes (id) {
        id -> BigInt,
        slug -> Text,
        parent_id -> Nullable<BigInt>,
        position -> Integer,
    }
}

diesel::table! {
    cause_translations (cause_id, lang) {
        cause_id -> BigInt,
        lang -> Text,
        name -> Text,
        description -> Text,
    }
}

diesel::table! {
    cause_follows (user_id, cause_id) {
        user_id -> BigInt,
        cause_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    updates (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        author_id -> Nullable<BigInt>,
        title -> Text,
        body -> Text,
        language -> Text,
        link_url -> Nullable<Text>,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        reactions_count -> BigInt,
        comments_count -> BigInt,
        photos -> Text,
        comments_locked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        update_id -> BigInt,
        author_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        body -> Text,
        created_at -> Timestamp,
        hidden_reason -> Nullable<Text>,
        hidden_at -> Nullable<Timestamp>,
        hidden_automatically -> Bool,
        appeal -> Nullable<Text>,
        appealed_at -> Nullable<Timestamp>,
        appeal_decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        item_kind -> Text,
        item_id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        reporter_id -> BigInt,
        reason -> Text,
        note -> Text,
        state -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        action -> Text,
        item_kind -> Text,
        item_id -> BigInt,
        reason -> Text,
        before -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reactions (update_id, user_id) {
        update_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        actor_id -> Nullable<BigInt>,
        organisation_id -> Nullable<BigInt>,
        update_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        role -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    donations (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        donor_id -> Nullable<BigInt>,
        amount_minor -> BigInt,
        currency -> Text,
        recurring -> Nullable<Text>,
        anonymous -> Bool,
        share_contact -> Bool,
        message -> Text,
        status -> Text,
        provider -> Text,
        provider_checkout_id -> Nullable<Text>,
        provider_subscription_id -> Nullable<Text>,
        checkout_url -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        request_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        receipt_name -> Text,
        receipt_registration -> Nullable<Text>,
    }
}

diesel::table! {
    donation_payments (id) {
        id -> BigInt,
        donation_id -> BigInt,
        provider_payment_id -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        status -> Text,
        receipt_number -> Text,
        paid_at -> Timestamp,
        provider_intent_id -> Nullable<Text>,
        receipt_name -> Text,
        receipt_registration -> Nullable<Text>,
    }
}

diesel::table! {
    payment_events (provider, event_id) {
        provider -> Text,
        event_id -> Text,
        kind -> Text,
        received_at -> Timestamp,
        outcome -> Text,
        detail -> Text,
        donation_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    organisation_invitations (id) {
        id -> Text,
        organisation_id -> BigInt,
        user_id -> Nullable<BigInt>,
        role -> Text,
        invited_by -> Nullable<BigInt>,
        status -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        email -> Nullable<Text>,
        email_key -> Nullable<Text>,
    }
}

diesel::joinable!(donations -> organisations (organisation_id));
diesel::joinable!(donation_payments -> donations (donation_id));
diesel::joinable!(updates -> organisations (organisation_id));
diesel::joinable!(comments -> updates (update_id));
diesel::joinable!(comments -> users (author_id));
diesel::joinable!(reactions -> updates (update_id));
diesel::joinable!(cause_translations -> causes (cause_id));
diesel::joinable!(cause_follows -> causes (cause_id));
diesel::joinable!(cause_follows -> users (user_id));
diesel::joinable!(organisation_languages -> organisations (organisation_id));
diesel::joinable!(organisation_causes -> organisations (organisation_id));
diesel::joinable!(organisation_causes -> causes (cause_id));
diesel::joinable!(organisation_members -> organisations (organisation_id));
diesel::joinable!(organisation_members -> users (user_id));
diesel::joinable!(organisation_translations -> organisations (organisation_id));
diesel::joinable!(organisation_links -> organisations (organisation_id));
diesel::joinable!(organisation_verifications -> organisations (organisation_id));
diesel::joinable!(organisation_follows -> organisations (organisation_id));
diesel::joinable!(organisation_follows -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_identities -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(organisation_invitations -> organisations (organisation_id));
diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        state -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_error -> Text,
        unique_key -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_tokens (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        purpose -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_preferences (user_id, category) {
        user_id -> BigInt,
        category -> Text,
        delivery -> Text,
    }
}

diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(mail_preferences -> users (user_id));

diesel::table! {
    uploads (id) {
        id -> Text,
        user_id -> Nullable<BigInt>,
        shape -> Text,
        width -> Integer,
        height -> Integer,
        bytes -> BigInt,
        picture -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    upload_uses (id) {
        id -> BigInt,
        upload_id -> Text,
        purpose -> Text,
        organisation_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        update_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(upload_uses -> uploads (upload_id));

diesel::table! {
    blocks (blocker_id, blocked_id) {
        blocker_id -> BigInt,
        blocked_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisation_bans (organisation_id, user_id) {
        organisation_id -> BigInt,
        user_id -> BigInt,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(organisation_bans -> organisations (organisation_id));
diesel::joinable!(organisation_bans -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    sessions,
    refresh_tokens,
    api_tokens,
    oauth_states,
    user_identities,
    causes,
    cause_translations,
    cause_follows,
    organisation_languages,
    organisation_causes,
    organisation_members,
    organisation_translations,
    organisation_links,
    organisation_verifications,
    organisation_follows,
    updates,
    comments,
    reports,
    moderation_log,
    reactions,
    notifications,
    donations,
    donation_payments,
    payment_events,
    organisation_invitations,
    jobs,
    email_tokens,
    mail_preferences,
    uploads,
    upload_uses,
    blocks,
    organisation_bans
);
