//! Discriminated unions of the real Qovery API (`service_type`, `job_type`, `object_type`), whose
//! variant schemas list the tag property themselves: each variant round-trips with no patch.
//!
//! `.ci/run` copies this file into the standalone crate generated from
//! `../shared/specs/qovery-openapi.yaml` (`target/qovery_full/tests/`) and runs `cargo test` there;
//! it is not a test of the generator crate. The bodies hold each variant's required properties.

use qovery_full::model::{
    ClusterCredentials, JobResponse, ListServicesByEnvironmentIdOkBodyResultsItem as Service,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// One body per `service_type`; `JOB` twice, once per `job_type`.
const SERVICES: &[(&str, &str)] = &[
    (
        "APPLICATION",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","environment":{"id":"00000000-0000-4000-8000-000000000001"},"name":"x","healthchecks":{},"icon_uri":"x","service_type":"APPLICATION"}"#,
    ),
    (
        "CONTAINER",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","image_name":"x","tag":"x","registry":{"id":"00000000-0000-4000-8000-000000000001","name":"x","url":"x","kind":"ECR"},"environment":{"id":"00000000-0000-4000-8000-000000000001"},"maximum_cpu":1,"maximum_memory":1,"maximum_gpu":1,"name":"x","cpu":1,"memory":1,"gpu":1,"min_running_instances":1,"max_running_instances":1,"healthchecks":{},"auto_preview":true,"icon_uri":"x","service_type":"CONTAINER"}"#,
    ),
    (
        "DATABASE",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","name":"x","type":"MONGODB","version":"x","mode":"CONTAINER","environment":{"id":"00000000-0000-4000-8000-000000000001"},"icon_uri":"x","service_type":"DATABASE"}"#,
    ),
    (
        "HELM",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","environment":{"id":"00000000-0000-4000-8000-000000000001"},"name":"x","auto_preview":true,"auto_deploy":true,"source":{"git":{"git_repository":{"provider":"BITBUCKET","owner":"x","name":"x","url":"x"}}},"arguments":[],"allow_cluster_wide_resources":true,"values_override":{},"icon_uri":"x","service_type":"HELM"}"#,
    ),
    (
        "JOB",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","environment":{"id":"00000000-0000-4000-8000-000000000001"},"maximum_cpu":1,"maximum_memory":1,"maximum_gpu":1,"name":"x","cpu":1,"memory":1,"gpu":1,"auto_preview":true,"source":{"image":{"image_name":"x","tag":"x","registry":{"id":"00000000-0000-4000-8000-000000000001","name":"x","url":"x","kind":"ECR"}}},"healthchecks":{},"icon_uri":"x","service_type":"JOB","job_type":"LIFECYCLE","schedule":{}}"#,
    ),
    (
        "JOB",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","environment":{"id":"00000000-0000-4000-8000-000000000001"},"maximum_cpu":1,"maximum_memory":1,"maximum_gpu":1,"name":"x","cpu":1,"memory":1,"gpu":1,"auto_preview":true,"source":{"image":{"image_name":"x","tag":"x","registry":{"id":"00000000-0000-4000-8000-000000000001","name":"x","url":"x","kind":"ECR"}}},"healthchecks":{},"icon_uri":"x","service_type":"JOB","job_type":"CRON","schedule":{"cronjob":{"timezone":"x","scheduled_at":"x"}}}"#,
    ),
    (
        "TERRAFORM",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","name":"x","timeout_sec":1,"auto_deploy":true,"icon_uri":"x","service_type":"TERRAFORM","terraform_variables_source":{"tf_var_file_paths":[],"tf_vars":[]},"engine":"TERRAFORM","backend":{"kubernetes":{}},"provider_version":{"explicit_version":"x"},"job_resources":{"cpu_milli":1,"ram_mib":1,"gpu":1,"storage_gib":1},"environment":{"id":"00000000-0000-4000-8000-000000000001"},"use_cluster_credentials":true,"action_extra_arguments":{}}"#,
    ),
    (
        "ARGOCD_APP",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","name":"x","service_type":"ARGOCD_APP","namespace":"x","environment":{"id":"00000000-0000-4000-8000-000000000001"},"environment_id":"00000000-0000-4000-8000-000000000001","cluster_id":"00000000-0000-4000-8000-000000000001","icon_uri":"x"}"#,
    ),
    (
        "AGENTIC_WORKFLOW",
        r#"{"id":"00000000-0000-4000-8000-000000000001","created_at":"2024-01-02T03:04:05Z","service_type":"AGENTIC_WORKFLOW","environment":{"id":"00000000-0000-4000-8000-000000000001"},"name":"x","slug":"x","description":"x","webhook_ip_allowlist":[],"docker_fragment":"x","enabled":true,"mcp":"x","mcp_server_ids":[],"outputs":[],"model":{"type":"CLAUDE","settings":"x"},"project_repositories":[],"agent_prompt":"x","governance":{"host_allowlist":[]},"resources":{"cpu_milli":1,"ram_mib":1,"gpu":1,"storage_gib":1},"webhook":{"url":"x"}}"#,
    ),
];

/// One body per `object_type`.
const CLUSTER_CREDENTIALS: &[(&str, &str)] = &[
    (
        "AWS",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","access_key_id":"x","object_type":"AWS"}"#,
    ),
    (
        "SCW",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","scaleway_access_key":"x","object_type":"SCW","scaleway_project_id":"x","scaleway_organization_id":"x"}"#,
    ),
    (
        "OTHER",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","object_type":"OTHER"}"#,
    ),
    (
        "AWS_ROLE",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","role_arn":"x","object_type":"AWS_ROLE"}"#,
    ),
    (
        "EKS_ANYWHERE_VSPHERE",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","vsphere_user":"x","object_type":"EKS_ANYWHERE_VSPHERE"}"#,
    ),
    (
        "AZURE",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","azure_subscription_id":"x","azure_tenant_id":"x","object_type":"AZURE","azure_application_id":"x","azure_application_object_id":"x"}"#,
    ),
    (
        "GCP",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","object_type":"GCP"}"#,
    ),
    (
        "GCP_WORKLOAD_IDENTITY_FEDERATION",
        r#"{"id":"00000000-0000-4000-8000-000000000001","name":"x","object_type":"GCP_WORKLOAD_IDENTITY_FEDERATION","project_id":"x","service_account_email":"x","workload_identity_provider_resource":"x","token_lifetime_seconds":1}"#,
    ),
];

/// Reads `json` as `T` and checks it writes back as the same JSON value.
fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let model: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let original: Value = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::to_value(&model).unwrap(), original);
    model
}

#[test]
fn every_service_type_round_trips_and_keeps_its_tag() {
    let mut seen = Vec::new();
    for (tag, json) in SERVICES {
        let service: Service = round_trip(json);
        assert_eq!(service.tag(), *tag, "{json}");
        seen.push(*tag);
    }
    seen.dedup();
    assert_eq!(
        seen.len(),
        8,
        "every `service_type` of the mapping is covered"
    );
}

#[test]
fn jobs_nest_a_second_discriminator() {
    let jobs: Vec<&str> = SERVICES
        .iter()
        .filter(|(tag, _)| *tag == "JOB")
        .map(|(_, json)| *json)
        .collect();
    let tags: Vec<&str> = jobs
        .iter()
        .map(|json| match round_trip::<Service>(json) {
            Service::JobResponse(job) => job.tag(),
            other => panic!("a JOB body read as {}", other.tag()),
        })
        .collect();
    assert_eq!(tags, ["LIFECYCLE", "CRON"]);
    // The job alone reads the same way, and both tags stay in the variant's own fields.
    let cron: JobResponse = round_trip(jobs[1]);
    assert!(matches!(cron, JobResponse::Cron(_)));
    let written = serde_json::to_value(&cron).unwrap();
    assert_eq!(
        (
            written["service_type"].as_str(),
            written["job_type"].as_str()
        ),
        (Some("JOB"), Some("CRON"))
    );
}

#[test]
fn a_wrong_or_missing_tag_is_rejected() {
    let (_, json) = SERVICES[0];
    let mut body: Value = serde_json::from_str(json).unwrap();
    body["service_type"] = Value::from("SPACESHIP");
    let error = serde_json::from_value::<Service>(body.clone())
        .unwrap_err()
        .to_string();
    assert!(error.contains("SPACESHIP"), "{error}");
    body.as_object_mut().unwrap().remove("service_type");
    let error = serde_json::from_value::<Service>(body)
        .unwrap_err()
        .to_string();
    assert!(error.contains("service_type"), "{error}");
    // A job tag that selects the other variant's shape is not silently accepted.
    let (_, lifecycle) = SERVICES
        .iter()
        .find(|(tag, json)| *tag == "JOB" && json.contains("LIFECYCLE"))
        .unwrap();
    let as_cron = lifecycle.replace("\"LIFECYCLE\"", "\"CRON\"");
    assert!(
        serde_json::from_str::<JobResponse>(&as_cron).is_err(),
        "a CRON job needs its schedule.cronjob"
    );
}

#[test]
fn every_cluster_credentials_object_type_round_trips() {
    for (tag, json) in CLUSTER_CREDENTIALS {
        let credentials: ClusterCredentials = round_trip(json);
        assert_eq!(credentials.tag(), *tag, "{json}");
    }
}
