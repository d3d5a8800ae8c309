use serde_json::{Value, json};

use super::accelerators::with_token;
use super::{destination_configs, idempotent, page_by_serial, text};
use crate::emulator::ServiceError;
use crate::emulator::store::{GroupRec, Store, group_json, invalid};
use crate::model::DestinationConfig;

/// Creating a group checks no capacity: it has no subnets yet.
pub fn create_group(
    store: &mut Store,
    listener_arn: &str,
    region: &str,
    destinations: Vec<DestinationConfig>,
) -> Result<String, ServiceError> {
    let accelerator_arn = store.listener(listener_arn)?.accelerator_arn.clone();
    if region.trim().is_empty() {
        return Err(invalid("EndpointGroupRegion must not be empty"));
    }
    if store
        .groups
        .iter()
        .any(|g| g.listener_arn == listener_arn && g.region == region)
    {
        return Err(ServiceError::new(
            "EndpointGroupAlreadyExistsException",
            format!("the listener already has an endpoint group in {region}"),
        ));
    }
    let serial = store.next_serial();
    let arn = format!(
        "{listener_arn}/endpoint-group/{}",
        store.id_hex(serial, 4, 12)
    );
    store.groups.push(GroupRec {
        serial,
        arn: arn.clone(),
        listener_arn: listener_arn.to_string(),
        accelerator_arn: accelerator_arn.clone(),
        region: region.to_string(),
        destinations,
        endpoints: Vec::new(),
    });
    store.touch(&accelerator_arn);
    Ok(arn)
}

pub fn create(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    idempotent(store, "CreateCustomRoutingEndpointGroup", body, |store| {
        let destinations = destination_configs(&body["DestinationConfigurations"])?;
        let arn = create_group(
            store,
            text(body, "ListenerArn"),
            text(body, "EndpointGroupRegion"),
            destinations,
        )?;
        let index = store.group_index(&arn)?;
        Ok(json!({"EndpointGroup": group_json(&store.groups[index])}))
    })
}

pub fn describe(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    let index = store.group_index(text(body, "EndpointGroupArn"))?;
    Ok(json!({"EndpointGroup": group_json(&store.groups[index])}))
}

pub fn list(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    let listener = text(body, "ListenerArn");
    store.listener(listener)?;
    let items = store
        .groups
        .iter()
        .filter(|g| g.listener_arn == listener)
        .map(|g| (g.serial, group_json(g)));
    let (page, next) = page_by_serial(items, body, 3)?;
    Ok(with_token(json!({"EndpointGroups": page}), next))
}

/// Deleting a group reclaims every listener port its subnets held.
pub fn delete(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let index = store.group_index(text(body, "EndpointGroupArn"))?;
    let group = store.groups.remove(index);
    if let Ok(l) = store.listener_index(&group.listener_arn) {
        for e in &group.endpoints {
            store.listeners[l].slots.release(&e.segments);
        }
    }
    store.touch(&group.accelerator_arn);
    Ok(json!({}))
}
