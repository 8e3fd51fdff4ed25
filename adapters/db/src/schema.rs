//! The tables, declared once for both backends: ids are text, times are `Timestamp` (UTC), JSON
//! is text, so one set of query code runs on SQLite and PostgreSQL.

#![allow(missing_docs)]

diesel::table! {
    tenants (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        status -> Text,
        plan -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        external_ref -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agents (id) {
        id -> Text,
        tenant_id -> Text,
        client_id -> Text,
        name -> Text,
        channels -> Text,
        config -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        platform_role -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    memberships (id) {
        id -> Text,
        user_id -> Text,
        tenant_id -> Text,
        role -> Text,
        client_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        prefix -> Text,
        hash -> Text,
        scopes -> Text,
        created_by -> Text,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        actor -> Text,
        action -> Text,
        target -> Nullable<Text>,
        request_id -> Text,
        client_addr -> Nullable<Text>,
        summary -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    feature_flags (key) {
        key -> Text,
        description -> Text,
        enabled -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    feature_flag_overrides (tenant_id, key) {
        tenant_id -> Text,
        key -> Text,
        enabled -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(memberships -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    clients,
    agents,
    users,
    memberships,
    api_keys,
    refresh_tokens,
    audit_log,
    feature_flags,
    feature_flag_overrides,
    settings,
);
