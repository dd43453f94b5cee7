//! One portable schema for both backends: ids and JSON as text, times as UTC timestamps.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Nullable<Text>,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    erasures (email_hash, erased_at) {
        email_hash -> Text,
        erased_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Text,
        role -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor -> Text,
        action -> Text,
        record_type -> Text,
        record_id -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    rate_limits (key) {
        key -> Text,
        window_start -> Timestamp,
        count -> BigInt,
    }
}

diesel::table! {
    files (id) {
        id -> Text,
        filename -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        label -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    content_items (id) {
        id -> Text,
        kind -> Text,
        slug -> Text,
        title -> Text,
        latest_version -> BigInt,
        published_version -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
        publish_version -> Nullable<BigInt>,
        publish_at -> Nullable<Timestamp>,
        unpublish_at -> Nullable<Timestamp>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    content_versions (item_id, version) {
        item_id -> Text,
        version -> BigInt,
        content -> Text,
        author_id -> Nullable<Text>,
        author -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    content_file_refs (item_id, version, file_id) {
        item_id -> Text,
        version -> BigInt,
        file_id -> Text,
    }
}

diesel::table! {
    public_docs (id) {
        id -> Text,
        item_id -> Text,
        version -> BigInt,
        kind -> Text,
        slug -> Text,
        title_key -> Text,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        visible_from -> Timestamp,
        visible_until -> Nullable<Timestamp>,
        etag -> Text,
        list_json -> Text,
        item_json -> Text,
        terms -> Text,
        search_key -> BigInt,
        position_key -> Text,
    }
}

diesel::table! {
    public_changes (seq) {
        seq -> BigInt,
        item_id -> Text,
        kind -> Text,
        slug -> Text,
        change -> Text,
        version -> Nullable<BigInt>,
        etag -> Nullable<Text>,
        at -> Timestamp,
        recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    public_refs (item_id, target_id) {
        item_id -> Text,
        target_id -> Text,
    }
}

diesel::table! {
    public_doc_tags (tag, published_at, doc_id) {
        doc_id -> Text,
        tag -> Text,
        published_at -> Timestamp,
        kind -> Text,
    }
}

diesel::table! {
    public_generation (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    public_counts (kind, tag) {
        kind -> Text,
        tag -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    content_tags (item_id, version, tag) {
        item_id -> Text,
        version -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    memberships (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        organisation -> Nullable<Text>,
        sector -> Text,
        role -> Text,
        contribution -> Text,
        consent_at -> Timestamp,
        consent_version -> Text,
        status -> Text,
        note -> Nullable<Text>,
        duplicate_of -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    membership_challenges_used (nonce) {
        nonce -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(content_versions -> content_items (item_id));
diesel::joinable!(content_file_refs -> content_items (item_id));
diesel::joinable!(content_file_refs -> files (file_id));
diesel::table! {
    webhooks (id) {
        id -> Text,
        url -> Text,
        events -> Text,
        active -> Bool,
        description -> Nullable<Text>,
        secret -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_until -> Nullable<Timestamp>,
        claim -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        at -> Timestamp,
        duration_ms -> BigInt,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::joinable!(content_tags -> content_items (item_id));
diesel::joinable!(public_docs -> content_items (item_id));
diesel::joinable!(public_doc_tags -> public_docs (doc_id));

diesel::allow_tables_to_appear_in_same_query!(
    public_counts,
    public_generation,
    settings,
    users,
    sessions,
    api_tokens,
    audit_log,
    rate_limits,
    files,
    content_items,
    content_versions,
    content_file_refs,
    content_tags,
    public_docs,
    public_doc_tags,
    public_refs,
    public_changes,
    memberships,
    membership_challenges_used,
    erasures,
    webhooks,
    webhook_deliveries,
    webhook_attempts,
);
