//! Serde round-trips of the generated Coveo and Qovery models against the documented examples (seeds 000-004): JSON -> model -> JSON gives back the same `serde_json::Value`, required properties are required, nullable properties keep absent / `null` / value apart, and unknown enum values survive unchanged.
#![cfg(all(feature = "coveo", feature = "qovery"))]

use generated::coveo::model as coveo;
use generated::qovery::model as qovery;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Parses `text` as `T`, serializes it back and asserts the JSON value is unchanged.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(text: &str) -> T {
    let original: Value = serde_json::from_str(text).unwrap();
    let model: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let back = serde_json::to_value(&model).unwrap();
    assert_eq!(back, original, "round trip of {text}");
    // And the serialized form reads back as the same model.
    let again: T = serde_json::from_value(back).unwrap();
    assert_eq!(again, model);
    model
}

// ---------------------------------------------------------------------------------------------
// Coveo
// ---------------------------------------------------------------------------------------------

/// The `200 OK` body of "Get all organizations", verbatim from seed 002.
const SEED_002_LIST: &str = r#"[
{
"createdDate": 1460705726000,
"displayName": "My Coveo Organization",
"emailNotificationsEnabled": false,
"id": "mycoveoorganizationg8tp8wu3",
"owner": {
"email": "asmith@example.com"
},
"readOnly": false
}
]"#;

#[test]
fn coveo_seed_list_body_round_trips() {
    let list: Vec<coveo::OrganizationSummary> = round_trip(SEED_002_LIST);
    assert_eq!(
        list,
        vec![coveo::OrganizationSummary {
            created_date: 1460705726000,
            display_name: "My Coveo Organization".to_owned(),
            email_notifications_enabled: false,
            id: "mycoveoorganizationg8tp8wu3".to_owned(),
            owner: coveo::OrganizationOwner {
                email: "asmith@example.com".to_owned()
            },
            read_only: false,
        }]
    );
    // The wire names are camelCase.
    let value = serde_json::to_value(&list).unwrap();
    let keys: Vec<&str> = value[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "createdDate",
            "displayName",
            "emailNotificationsEnabled",
            "id",
            "owner",
            "readOnly"
        ]
    );
}

#[test]
fn coveo_seed_001_element_with_an_empty_owner_email_round_trips() {
    // Seed 001's `200 OK` element (its `// This is the organizationId` comment removed).
    let summary: coveo::OrganizationSummary = round_trip(
        r#"{
            "createdDate": 1460705726000,
            "displayName": "My Coveo Cloud V2 Organization",
            "emailNotificationsEnabled": false,
            "id": "mycoveocloudv2organization",
            "owner": {"email": ""},
            "readOnly": false
        }"#,
    );
    assert_eq!(summary.id, "mycoveocloudv2organization");
    assert_eq!(summary.owner.email, "");
    assert_eq!(summary.created_date, 1_460_705_726_000);
}

#[test]
fn coveo_list_of_several_organizations_round_trips() {
    let list: Vec<coveo::OrganizationSummary> = round_trip(
        r#"[
            {"createdDate": 1460705726000, "displayName": "My Coveo Search Org", "emailNotificationsEnabled": true,
             "id": "mycoveosearchorg", "owner": {"email": "a@example.com"}, "readOnly": false},
            {"createdDate": 9007199254740993, "displayName": "My Coveo Search Org", "emailNotificationsEnabled": false,
             "id": "mycoveosearchorg2", "owner": {"email": ""}, "readOnly": true}
        ]"#,
    );
    assert_eq!(list.len(), 2);
    // int64 beyond 2^53 is kept exactly.
    assert_eq!(list[1].created_date, 9_007_199_254_740_993);
    assert!(list[1].read_only);
    let empty: Vec<coveo::OrganizationSummary> = round_trip("[]");
    assert!(empty.is_empty());
}

#[test]
fn coveo_summary_ignores_properties_it_does_not_know() {
    let summary: coveo::OrganizationSummary = serde_json::from_value(json!({
        "createdDate": 1460705726000_i64,
        "displayName": "My Coveo Organization",
        "emailNotificationsEnabled": false,
        "id": "mycoveoorganizationg8tp8wu3",
        "owner": {"email": "asmith@example.com", "name": "A. Smith"},
        "readOnly": false,
        "type": "PRODUCTION",
        "publicContentOnly": false
    }))
    .unwrap();
    assert_eq!(summary.id, "mycoveoorganizationg8tp8wu3");
}

#[test]
fn coveo_summary_requires_its_required_properties() {
    let full = json!({
        "createdDate": 1460705726000_i64,
        "displayName": "d",
        "emailNotificationsEnabled": false,
        "id": "i",
        "owner": {"email": ""},
        "readOnly": false
    });
    for property in [
        "createdDate",
        "displayName",
        "emailNotificationsEnabled",
        "id",
        "owner",
        "readOnly",
    ] {
        let mut value = full.clone();
        value.as_object_mut().unwrap().remove(property);
        assert!(
            serde_json::from_value::<coveo::OrganizationSummary>(value).is_err(),
            "missing {property} accepted"
        );
    }
    for (property, wrong) in [
        ("createdDate", json!("1460705726000")),
        ("createdDate", json!(1.5)),
        ("readOnly", json!("false")),
        ("owner", json!("asmith@example.com")),
        ("id", json!(null)),
    ] {
        let mut value = full.clone();
        value[property] = wrong.clone();
        assert!(
            serde_json::from_value::<coveo::OrganizationSummary>(value).is_err(),
            "{property}: {wrong} accepted"
        );
    }
    assert!(serde_json::from_value::<coveo::OrganizationOwner>(json!({})).is_err());
}

#[test]
fn coveo_created_body_from_seed_000_round_trips() {
    // Seed 000: `201 Created` with `{"id": "mycoveocloudv2organization"}`.
    let created: coveo::OrganizationCreated =
        round_trip("{\n  \"id\": \"mycoveocloudv2organization\"\n} ");
    assert_eq!(
        created,
        coveo::OrganizationCreated {
            id: "mycoveocloudv2organization".to_owned()
        }
    );
    assert_eq!(
        serde_json::to_string(&created).unwrap(),
        r#"{"id":"mycoveocloudv2organization"}"#
    );
    assert!(serde_json::from_str::<coveo::OrganizationCreated>("{}").is_err());
}

#[test]
fn coveo_error_round_trips() {
    let error: coveo::Error = round_trip(
        r#"{"errorCode": "INVALID_NAME", "message": "The name has no letter or digit."}"#,
    );
    assert_eq!(error.error_code, "INVALID_NAME");
    assert!(serde_json::from_str::<coveo::Error>(r#"{"error_code":"X","message":"m"}"#).is_err());
}

// ---------------------------------------------------------------------------------------------
// Qovery
// ---------------------------------------------------------------------------------------------

/// An `Organization` (allOf `Base` + `OrganizationRequest` + owner/billing + organization_plan)
/// with every property set.
const QOVERY_FULL: &str = r#"{
  "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  "created_at": "2024-05-06T07:08:09.123456Z",
  "updated_at": "2024-06-01T00:00:00Z",
  "name": "acme",
  "description": "Acme's organization",
  "plan": "ENTERPRISE_2025",
  "website_url": "https://acme.example",
  "repository": "https://github.com/acme/infra",
  "logo_url": "https://acme.example/logo.png",
  "icon_url": "https://acme.example/icon.png",
  "admin_emails": ["a@acme.example", "b@acme.example"],
  "owner": "9b2f6c1e-4d3a-4b8e-9f1a-2c3d4e5f6a7b",
  "billing_deployment_restriction": "NO_CREDIT_CARD",
  "organization_plan": {"plan": "ENTERPRISE_2025", "audit_logs_retention_in_days": 365.25}
}"#;

#[test]
fn qovery_organization_with_every_property_round_trips() {
    let organization: qovery::Organization = round_trip(QOVERY_FULL);
    assert_eq!(
        organization,
        qovery::Organization {
            id: "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap(),
            created_at: "2024-05-06T07:08:09.123456Z".parse().unwrap(),
            updated_at: Some("2024-06-01T00:00:00Z".parse().unwrap()),
            name: "acme".to_owned(),
            description: Some(Some("Acme's organization".to_owned())),
            plan: qovery::PlanEnum::Enterprise2025,
            website_url: Some(Some("https://acme.example".to_owned())),
            repository: Some(Some("https://github.com/acme/infra".to_owned())),
            logo_url: Some(Some("https://acme.example/logo.png".to_owned())),
            icon_url: Some(Some("https://acme.example/icon.png".to_owned())),
            admin_emails: Some(Some(vec![
                "a@acme.example".to_owned(),
                "b@acme.example".to_owned()
            ])),
            owner: Some("9b2f6c1e-4d3a-4b8e-9f1a-2c3d4e5f6a7b".parse().unwrap()),
            billing_deployment_restriction: Some(Some("NO_CREDIT_CARD".to_owned())),
            organization_plan: Some(qovery::OrganizationOrganizationPlan {
                plan: Some(qovery::PlanEnum::Enterprise2025),
                audit_logs_retention_in_days: Some(365.25),
            }),
        }
    );
}

#[test]
fn qovery_organization_with_only_required_properties_round_trips() {
    let organization: qovery::Organization = round_trip(
        r#"{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "created_at": "2024-05-06T07:08:09Z",
            "name": "acme", "plan": "FREE"}"#,
    );
    assert_eq!(organization.updated_at, None);
    assert_eq!(organization.description, None);
    assert_eq!(organization.admin_emails, None);
    assert_eq!(organization.owner, None);
    assert_eq!(organization.billing_deployment_restriction, None);
    assert_eq!(organization.organization_plan, None);
    assert_eq!(
        serde_json::to_string(&organization).unwrap(),
        r#"{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","created_at":"2024-05-06T07:08:09Z","name":"acme","plan":"FREE"}"#
    );
}

#[test]
fn qovery_organization_requires_the_required_properties_of_every_part() {
    let full: Value = serde_json::from_str(QOVERY_FULL).unwrap();
    // `id` and `created_at` from Base, `name` and `plan` from OrganizationRequest.
    for property in ["id", "created_at", "name", "plan"] {
        let mut value = full.clone();
        value.as_object_mut().unwrap().remove(property);
        assert!(
            serde_json::from_value::<qovery::Organization>(value).is_err(),
            "missing {property} accepted"
        );
    }
    for (property, wrong) in [
        ("id", json!("not-a-uuid")),
        ("created_at", json!("yesterday")),
        ("created_at", json!(1714979289)),
        ("owner", json!("not-a-uuid")),
        // (`"owner": null` reads as absent: optional non-nullable properties are plain
        // `Option<T>`, which serde lets `null` fill.)
        ("name", json!(null)),
        ("plan", json!(null)),
        ("plan", json!(3)),
        ("admin_emails", json!("a@acme.example")),
        ("organization_plan", json!("ENTERPRISE_2025")),
    ] {
        let mut value = full.clone();
        value[property] = wrong.clone();
        assert!(
            serde_json::from_value::<qovery::Organization>(value).is_err(),
            "{property}: {wrong} accepted"
        );
    }
}

/// Every `nullable: true` property of `Organization` is `Option<Option<T>>`: absent, `null` and a
/// value are three different things, both ways.
#[test]
fn qovery_nullable_properties_keep_absent_null_and_value_apart() {
    let base = json!({
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "created_at": "2024-05-06T07:08:09Z",
        "name": "acme",
        "plan": "TEAM"
    });
    let nullable = [
        ("description", json!("d")),
        ("website_url", json!("https://acme.example")),
        ("repository", json!("https://github.com/acme/infra")),
        ("logo_url", json!("https://acme.example/logo.png")),
        ("icon_url", json!("https://acme.example/icon.png")),
        ("admin_emails", json!(["a@acme.example"])),
        ("admin_emails", json!([])),
        ("billing_deployment_restriction", json!("NO_CREDIT_CARD")),
    ];
    for (property, present) in nullable {
        for state in [None, Some(Value::Null), Some(present.clone())] {
            let mut value = base.clone();
            if let Some(state) = &state {
                value[property] = state.clone();
            }
            let organization: qovery::Organization = serde_json::from_value(value.clone()).unwrap();
            let back = serde_json::to_value(&organization).unwrap();
            assert_eq!(back, value, "{property} = {state:?}");
            assert_eq!(
                back.as_object().unwrap().contains_key(property),
                state.is_some(),
                "{property} = {state:?}"
            );
        }
    }

    // The same three states, read into the Rust values.
    let read = |extra: Value| -> qovery::Organization {
        let mut value = base.clone();
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(value).unwrap()
    };
    assert_eq!(read(json!({})).description, None);
    assert_eq!(read(json!({"description": null})).description, Some(None));
    assert_eq!(
        read(json!({"description": "d"})).description,
        Some(Some("d".to_owned()))
    );
    assert_eq!(read(json!({"admin_emails": null})).admin_emails, Some(None));
    assert_eq!(
        read(json!({"admin_emails": []})).admin_emails,
        Some(Some(vec![]))
    );
    assert_eq!(
        read(json!({"billing_deployment_restriction": null})).billing_deployment_restriction,
        Some(None)
    );
}

#[test]
fn qovery_organization_request_serializes_the_three_states() {
    let mut request = qovery::OrganizationRequest {
        name: "acme".to_owned(),
        description: None,
        plan: qovery::PlanEnum::User2025,
        website_url: Some(None),
        repository: Some(Some("https://github.com/acme/infra".to_owned())),
        logo_url: None,
        icon_url: None,
        admin_emails: Some(Some(vec![])),
    };
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"name":"acme","plan":"USER_2025","website_url":null,"repository":"https://github.com/acme/infra","admin_emails":[]}"#
    );
    request.admin_emails = Some(None);
    request.description = Some(Some(String::new()));
    let text = serde_json::to_string(&request).unwrap();
    assert_eq!(
        text,
        r#"{"name":"acme","description":"","plan":"USER_2025","website_url":null,"repository":"https://github.com/acme/infra","admin_emails":null}"#
    );
    let back: qovery::OrganizationRequest = round_trip(&text);
    assert_eq!(back, request);
}

#[test]
fn qovery_unknown_plan_round_trips_unchanged() {
    let text = QOVERY_FULL.replace("ENTERPRISE_2025", "PLATINUM_2030");
    let organization: qovery::Organization = round_trip(&text);
    let unknown = qovery::PlanEnum::Unknown("PLATINUM_2030".to_owned());
    assert_eq!(organization.plan, unknown);
    assert_eq!(
        organization.organization_plan.as_ref().unwrap().plan,
        Some(unknown.clone())
    );
    assert_eq!(unknown.as_str(), "PLATINUM_2030");
    assert_eq!(unknown.to_string(), "PLATINUM_2030");

    // On its own, in a request, and with characters a Rust identifier could not hold.
    for raw in ["PLATINUM_2030", "free", "", "ÉTÉ 2030", "FREE "] {
        let plan: qovery::PlanEnum = round_trip(&serde_json::to_string(raw).unwrap());
        assert_eq!(plan, qovery::PlanEnum::Unknown(raw.to_owned()), "{raw:?}");
    }
    let request: qovery::OrganizationRequest =
        round_trip(r#"{"name":"acme","plan":"PLATINUM_2030"}"#);
    assert_eq!(
        request.plan,
        qovery::PlanEnum::Unknown("PLATINUM_2030".to_owned())
    );
}

#[test]
fn qovery_every_known_plan_round_trips() {
    use qovery::PlanEnum as P;
    let known = [
        (P::Free, "FREE"),
        (P::Team, "TEAM"),
        (P::TeamYearly, "TEAM_YEARLY"),
        (P::Enterprise, "ENTERPRISE"),
        (P::EnterpriseYearly, "ENTERPRISE_YEARLY"),
        (P::Professional, "PROFESSIONAL"),
        (P::Business, "BUSINESS"),
        (P::User2025, "USER_2025"),
        (P::Team2025, "TEAM_2025"),
        (P::Business2025, "BUSINESS_2025"),
        (P::Enterprise2025, "ENTERPRISE_2025"),
    ];
    for (plan, wire) in known {
        let read: P = round_trip(&format!("\"{wire}\""));
        assert_eq!(read, plan);
        assert_eq!(plan.as_str(), wire);
        assert_eq!(plan.to_string(), wire);
        assert_eq!(serde_json::to_value(&plan).unwrap(), json!(wire));
    }
    for wrong in [json!(null), json!(1), json!(true), json!(["FREE"])] {
        assert!(
            serde_json::from_value::<P>(wrong.clone()).is_err(),
            "{wrong} accepted"
        );
    }
}

/// `PlanEnum` is `type: string` in the API description.
#[test]
fn qovery_plan_is_only_ever_a_json_string() {
    for wrong in [json!({"FREE": null}), json!({"TEAM_2025": null})] {
        assert!(
            serde_json::from_value::<qovery::PlanEnum>(wrong.clone()).is_err(),
            "{wrong} accepted"
        );
    }
}

#[test]
fn qovery_organization_plan_is_all_optional() {
    let plan: qovery::OrganizationOrganizationPlan = round_trip("{}");
    assert_eq!(plan, qovery::OrganizationOrganizationPlan::default());
    let plan: qovery::OrganizationOrganizationPlan =
        round_trip(r#"{"audit_logs_retention_in_days": 0.5}"#);
    assert_eq!(plan.audit_logs_retention_in_days, Some(0.5));
    // `type: number` is an f64: an integer comes back as the same number, written as a float.
    let plan: qovery::OrganizationOrganizationPlan =
        serde_json::from_str(r#"{"audit_logs_retention_in_days": 30}"#).unwrap();
    assert_eq!(plan.audit_logs_retention_in_days, Some(30.0));
    let back = serde_json::to_value(&plan).unwrap();
    assert_eq!(back["audit_logs_retention_in_days"].as_f64(), Some(30.0));
}

#[test]
fn qovery_timestamps_are_normalized_to_utc() {
    let mut value: Value = serde_json::from_str(QOVERY_FULL).unwrap();
    value["created_at"] = json!("2024-05-06T09:08:09+02:00");
    let organization: qovery::Organization = serde_json::from_value(value).unwrap();
    assert_eq!(
        organization.created_at,
        "2024-05-06T07:08:09Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    assert_eq!(
        serde_json::to_value(&organization).unwrap()["created_at"],
        "2024-05-06T07:08:09Z"
    );
}

/// The runtime's `object!` impls keep serde's error contract: the message names the field and
/// serde_json's position, a repeated key is refused, and only a JSON object is accepted.
#[test]
fn object_errors_name_the_field_and_the_position() {
    let missing = serde_json::from_str::<coveo::OrganizationOwner>("{\n  \"name\": \"x\"\n}")
        .unwrap_err()
        .to_string();
    assert_eq!(missing, "missing field `email` at line 3 column 1");

    let mistyped = serde_json::from_str::<coveo::OrganizationOwner>("{\"email\": 42}").unwrap_err();
    // The value ends at column 12; serde_json places the error at or just after it.
    assert_eq!(mistyped.line(), 1);
    assert!((12..=13).contains(&mistyped.column()), "{mistyped}");
    assert!(
        mistyped
            .to_string()
            .starts_with("invalid type: integer `42`, expected a string"),
        "{mistyped}"
    );

    let repeated =
        serde_json::from_str::<coveo::OrganizationOwner>(r#"{"email": "a", "email": "b"}"#)
            .unwrap_err()
            .to_string();
    assert!(
        repeated.starts_with("duplicate field `email`"),
        "{repeated}"
    );

    for not_an_object in ["[\"a@b.c\"]", "\"a@b.c\"", "null", "1"] {
        assert!(
            serde_json::from_str::<coveo::OrganizationOwner>(not_an_object).is_err(),
            "{not_an_object} accepted"
        );
    }
}

/// An error deep inside nested objects keeps its message once, with the position where it is.
#[test]
fn nested_object_errors_keep_one_message_and_their_line() {
    let text = "[\n  {\n    \"createdDate\": 1,\n    \"displayName\": \"d\",\n    \"emailNotificationsEnabled\": false,\n    \"id\": \"i\",\n    \"owner\": {\"email\": true},\n    \"readOnly\": false\n  }\n]";
    let error = serde_json::from_str::<Vec<coveo::OrganizationSummary>>(text).unwrap_err();
    let message = error.to_string();
    assert_eq!(message.matches(" at line ").count(), 1, "{message}");
    assert!(
        message.starts_with("invalid type: boolean `true`, expected a string"),
        "{message}"
    );
    assert_eq!(error.line(), 7, "{message}");
}

/// Keys with escapes cannot be borrowed from the input; they are matched all the same.
#[test]
fn object_keys_with_escapes_are_matched() {
    let owner: coveo::OrganizationOwner =
        serde_json::from_str(r#"{"em\u0061il": "a@b.c", "n\u0061me": 1}"#).unwrap();
    assert_eq!(owner.email, "a@b.c");
    let from_reader: coveo::OrganizationOwner =
        serde_json::from_reader(&br#"{"email": "r@b.c"}"#[..]).unwrap();
    assert_eq!(from_reader.email, "r@b.c");
}
