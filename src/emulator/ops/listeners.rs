use serde_json::{Value, json};

use super::accelerators::with_token;
use super::{idempotent, page_by_serial, port_ranges, text};
use crate::emulator::ServiceError;
use crate::emulator::ports::{SlotAllocator, mix};
use crate::emulator::store::{ListenerRec, Store, listener_json};
use crate::model::PortRange;

/// Listener port ranges hold at least this many ports each.
const MIN_RANGE_PORTS: u32 = 16;

fn port_range_error(message: String) -> ServiceError {
    ServiceError::new("InvalidPortRangeException", message)
}

/// Ranges must be wide enough and overlap neither each other nor another listener of the
/// same accelerator.
fn check_ranges(
    store: &Store,
    accelerator_arn: &str,
    ranges: &[PortRange],
    except: Option<&str>,
) -> Result<(), ServiceError> {
    for (i, r) in ranges.iter().enumerate() {
        if r.len() < MIN_RANGE_PORTS {
            return Err(port_range_error(format!(
                "port range {r} holds fewer than {MIN_RANGE_PORTS} ports"
            )));
        }
        if let Some(o) = ranges[..i].iter().find(|o| o.overlaps(*r)) {
            return Err(port_range_error(format!("port ranges {o} and {r} overlap")));
        }
    }
    for other in store
        .listeners
        .iter()
        .filter(|l| l.accelerator_arn == accelerator_arn && Some(l.arn.as_str()) != except)
    {
        for r in ranges {
            if let Some(o) = other.ranges.iter().find(|o| o.overlaps(*r)) {
                return Err(port_range_error(format!(
                    "port range {r} overlaps {o} of listener {}",
                    other.arn
                )));
            }
        }
    }
    Ok(())
}

pub fn create_listener(
    store: &mut Store,
    accelerator_arn: &str,
    ranges: Vec<PortRange>,
) -> Result<String, ServiceError> {
    let key = store.accelerator(accelerator_arn)?.key;
    check_ranges(store, accelerator_arn, &ranges, None)?;
    let serial = store.next_serial();
    let arn = format!("{accelerator_arn}/listener/{}", store.id_hex(serial, 3, 8));
    let size = ranges.iter().map(|r| r.len()).sum();
    store.listeners.push(ListenerRec {
        serial,
        arn: arn.clone(),
        accelerator_arn: accelerator_arn.to_string(),
        ranges,
        slots: SlotAllocator::new(size),
        shuffle_key: mix(key ^ serial),
    });
    store.touch(accelerator_arn);
    Ok(arn)
}

pub fn create(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    idempotent(store, "CreateCustomRoutingListener", body, |store| {
        let arn = create_listener(
            store,
            text(body, "AcceleratorArn"),
            port_ranges(&body["PortRanges"])?,
        )?;
        Ok(json!({"Listener": listener_json(store.listener(&arn)?)}))
    })
}

pub fn describe(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    Ok(json!({"Listener": listener_json(store.listener(text(body, "ListenerArn"))?)}))
}

pub fn list(store: &Store, body: &Value) -> Result<Value, ServiceError> {
    let acc = text(body, "AcceleratorArn");
    store.accelerator(acc)?;
    let items = store
        .listeners
        .iter()
        .filter(|l| l.accelerator_arn == acc)
        .map(|l| (l.serial, listener_json(l)));
    let (page, next) = page_by_serial(items, body, 2)?;
    Ok(with_token(json!({"Listeners": page}), next))
}

/// New ranges keep every existing mapping's slot; a listener cannot shrink below the slots its
/// subnets hold.
pub fn update(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let arn = text(body, "ListenerArn");
    let index = store.listener_index(arn)?;
    let ranges = port_ranges(&body["PortRanges"])?;
    let accelerator_arn = store.listeners[index].accelerator_arn.clone();
    check_ranges(store, &accelerator_arn, &ranges, Some(arn))?;
    let used: Vec<_> = store
        .groups
        .iter()
        .filter(|g| g.listener_arn == arn)
        .flat_map(|g| g.endpoints.iter().flat_map(|e| e.segments.iter().copied()))
        .collect();
    let size: u32 = ranges.iter().map(|r| r.len()).sum();
    if used.iter().any(|s| s.start + s.len > size) {
        return Err(ServiceError::new(
            "LimitExceededException",
            "the new port ranges hold fewer ports than the listener's subnets already use",
        ));
    }
    let listener = &mut store.listeners[index];
    listener.ranges = ranges;
    listener.slots = SlotAllocator::with_used(size, &used);
    store.touch(&accelerator_arn);
    Ok(json!({"Listener": listener_json(&store.listeners[index])}))
}

pub fn delete(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let arn = text(body, "ListenerArn");
    let index = store.listener_index(arn)?;
    if store.groups.iter().any(|g| g.listener_arn == arn) {
        return Err(ServiceError::new(
            "AssociatedEndpointGroupFoundException",
            "the listener still has endpoint groups; delete them first",
        ));
    }
    let removed = store.listeners.remove(index);
    store.touch(&removed.accelerator_arn);
    Ok(json!({}))
}
