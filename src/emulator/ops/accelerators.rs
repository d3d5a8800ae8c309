use serde_json::{Value, json};

use super::{idempotent, opt_text, page_by_serial, text};
use crate::emulator::ServiceError;
use crate::emulator::ports::mix;
use crate::emulator::store::{AcceleratorRec, Store, invalid, now_epoch};
use crate::model::parse_accelerator_name;

/// What an accelerator is created with; topology loading uses this too, so both follow one path.
pub struct NewAccelerator {
    pub name: String,
    pub ip_address_type: String,
    pub ip_addresses: Vec<String>,
    pub enabled: bool,
    pub tags: Vec<(String, String)>,
}

pub fn create_accelerator(store: &mut Store, new: NewAccelerator, created: f64) -> String {
    let serial = store.next_serial();
    let id = store.id_hex(serial, 1, 32);
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &id[..8],
        &id[8..12],
        &id[12..16],
        &id[16..20],
        &id[20..32]
    );
    let arn = format!(
        "arn:aws:globalaccelerator::{}:accelerator/{uuid}",
        store.account
    );
    let n = store.accelerators.len() as u32;
    let mut ips = new.ip_addresses;
    if ips.is_empty() {
        // Two static IPv4 addresses from AWS-like anycast ranges, unique per accelerator.
        ips = vec![
            format!("75.2.{}.{}", 16 + n / 250, n % 250 + 1),
            format!("99.83.{}.{}", 16 + n / 250, n % 250 + 1),
        ];
        if new.ip_address_type == "DUAL_STACK" {
            ips.push(format!("2600:9000:a{:03x}::1", n % 4096));
            ips.push(format!("2600:9000:b{:03x}::1", n % 4096));
        }
    }
    store.accelerators.push(AcceleratorRec {
        serial,
        dns_name: format!("a{}.awsglobalaccelerator.com", store.id_hex(serial, 2, 16)),
        key: mix(serial ^ mix(u64::from(n))),
        arn: arn.clone(),
        name: new.name,
        ip_address_type: new.ip_address_type,
        ips,
        enabled: new.enabled,
        created,
        modified: created,
        changed_at: None,
        tags: {
            // Kept in key order, as a topology file lists them, so a restart keeps the order.
            let mut tags = new.tags;
            tags.sort();
            tags
        },
        flow_logs: (false, None, None),
    });
    store.touch(&arn);
    arn
}

fn tags_of(body: &Value) -> Vec<(String, String)> {
    body["Tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| (text(t, "Key").to_string(), text(t, "Value").to_string()))
        .collect()
}

fn checked_name(name: &str) -> Result<String, ServiceError> {
    parse_accelerator_name(name).map_err(|e| invalid(format!("Name: {e}")))
}

/// "For a custom routing accelerator, the value must be IPV4" (the model's text for both create
/// and update): DUAL_STACK passes the enum check, so it is refused here.
fn checked_address_type(body: &Value) -> Result<Option<String>, ServiceError> {
    match opt_text(body, "IpAddressType") {
        None => Ok(None),
        Some("IPV4") => Ok(Some("IPV4".to_string())),
        Some(other) => Err(invalid(format!(
            "IpAddressType: a custom routing accelerator is IPv4 only, so the value must be IPV4, not {}",
            other.chars().take(32).collect::<String>()
        ))),
    }
}

fn checked_ips(body: &Value) -> Result<Vec<String>, ServiceError> {
    body["IpAddresses"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|ip| {
            let ip = ip.as_str().unwrap_or_default();
            ip.parse::<std::net::IpAddr>()
                .map(|_| ip.to_string())
                .map_err(|_| invalid(format!("IpAddresses: {ip:?} is not an IP address")))
        })
        .collect()
}

pub fn create(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    idempotent(store, "CreateCustomRoutingAccelerator", body, |store| {
        let new = NewAccelerator {
            name: checked_name(text(body, "Name"))?,
            ip_address_type: checked_address_type(body)?.unwrap_or_else(|| "IPV4".into()),
            ip_addresses: checked_ips(body)?,
            enabled: body["Enabled"].as_bool().unwrap_or(true),
            tags: tags_of(body),
        };
        let arn = create_accelerator(store, new, now_epoch());
        Ok(json!({"Accelerator": store.accelerator_json(store.accelerator(&arn)?)}))
    })
}

pub fn describe(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    let acc = store.accelerator(text(body, "AcceleratorArn"))?;
    Ok(json!({"Accelerator": store.accelerator_json(acc)}))
}

pub fn list(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    let items = store
        .accelerators
        .iter()
        .map(|a| (a.serial, store.accelerator_json(a)));
    let (page, next) = page_by_serial(items, body, 1)?;
    Ok(with_token(json!({"Accelerators": page}), next))
}

pub fn with_token(mut answer: Value, next: Option<String>) -> Value {
    if let Some(t) = next {
        answer["NextToken"] = Value::String(t);
    }
    answer
}

pub fn update(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let arn = text(body, "AcceleratorArn");
    store.accelerator(arn)?;
    let name = opt_text(body, "Name").map(checked_name).transpose()?;
    let address_type = checked_address_type(body)?;
    let ips = checked_ips(body)?;
    let acc = store.accelerator_mut(arn)?;
    if let Some(name) = name {
        acc.name = name;
    }
    if let Some(enabled) = body["Enabled"].as_bool() {
        acc.enabled = enabled;
    }
    if let Some(t) = address_type {
        acc.ip_address_type = t;
    }
    if !ips.is_empty() {
        acc.ips = ips;
    }
    store.touch(arn);
    describe(store, body)
}

pub fn delete(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let arn = text(body, "AcceleratorArn");
    if store.accelerator(arn)?.enabled {
        return Err(ServiceError::new(
            "AcceleratorNotDisabledException",
            "the accelerator must be disabled before it can be deleted",
        ));
    }
    if store.listeners.iter().any(|l| l.accelerator_arn == arn) {
        return Err(ServiceError::new(
            "AssociatedListenerFoundException",
            "the accelerator still has listeners; delete them first",
        ));
    }
    store.accelerators.retain(|a| a.arn != arn);
    Ok(json!({}))
}

fn attributes_json(acc: &AcceleratorRec) -> Value {
    let (enabled, bucket, prefix) = &acc.flow_logs;
    let mut attrs = json!({"FlowLogsEnabled": enabled});
    if let Some(b) = bucket {
        attrs["FlowLogsS3Bucket"] = json!(b);
    }
    if let Some(p) = prefix {
        attrs["FlowLogsS3Prefix"] = json!(p);
    }
    json!({"AcceleratorAttributes": attrs})
}

pub fn describe_attributes(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    Ok(attributes_json(
        store.accelerator(text(body, "AcceleratorArn"))?,
    ))
}

/// "If the value is true, FlowLogsS3Bucket and FlowLogsS3Prefix must be specified": both in
/// this request, whatever an earlier call stored.
pub fn update_attributes(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let arn = text(body, "AcceleratorArn");
    let acc = store.accelerator_mut(arn)?;
    let enabled = body["FlowLogsEnabled"].as_bool().unwrap_or(acc.flow_logs.0);
    let given_bucket = opt_text(body, "FlowLogsS3Bucket").filter(|b| !b.is_empty());
    let given_prefix = opt_text(body, "FlowLogsS3Prefix").filter(|p| !p.is_empty());
    if body["FlowLogsEnabled"].as_bool() == Some(true) {
        let missing: Vec<&str> = [
            ("FlowLogsS3Bucket", given_bucket.is_none()),
            ("FlowLogsS3Prefix", given_prefix.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
        if !missing.is_empty() {
            return Err(invalid(format!(
                "{} must be given in the same request when FlowLogsEnabled is true",
                missing.join(" and ")
            )));
        }
    }
    let bucket = given_bucket.map(str::to_string).or(acc.flow_logs.1.clone());
    let prefix = given_prefix.map(str::to_string).or(acc.flow_logs.2.clone());
    acc.flow_logs = (enabled, bucket, prefix);
    let answer = attributes_json(acc);
    store.touch(arn);
    Ok(answer)
}

/// Tags live on accelerators only.
fn tagged<'a>(store: &'a mut Store, body: &Value) -> Result<&'a mut AcceleratorRec, ServiceError> {
    store.accelerator_mut(text(body, "ResourceArn"))
}

pub fn tag(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let new = tags_of(body);
    let acc = tagged(store, body)?;
    for (k, v) in new {
        match acc.tags.iter_mut().find(|(key, _)| *key == k) {
            Some(t) => t.1 = v,
            None => acc.tags.push((k, v)),
        }
    }
    acc.tags.sort();
    Ok(json!({}))
}

pub fn untag(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let keys: Vec<String> = body["TagKeys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    tagged(store, body)?.tags.retain(|(k, _)| !keys.contains(k));
    Ok(json!({}))
}

pub fn list_tags(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    let acc = store.accelerator(text(body, "ResourceArn"))?;
    let tags: Vec<Value> = acc
        .tags
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    Ok(json!({"Tags": tags}))
}
