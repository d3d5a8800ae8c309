//! Request validation driven by AWS's own service model (shipped in `assets/`), so every
//! required member, length, range, list size and enum is checked as the model states it.
//! Rules that live only in the model's prose are checked by hand in the operations.

use std::sync::OnceLock;

use serde_json::Value;

use super::ServiceError;

const SERVICE_MODEL: &str =
    include_str!("../../assets/globalaccelerator-2018-08-08.service-2.json");

fn model() -> &'static Value {
    static MODEL: OnceLock<Value> = OnceLock::new();
    MODEL.get_or_init(|| serde_json::from_str(SERVICE_MODEL).unwrap_or(Value::Null))
}

/// The operations this emulator serves: every custom routing operation plus tagging, and the
/// standard accelerator's attribute calls, which AWS answers for a custom routing accelerator
/// too (Terraform's `hashicorp/aws` provider sets a custom routing accelerator's `attributes`
/// with UpdateAcceleratorAttributes on create).
pub fn is_served(operation: &str) -> bool {
    (operation.contains("CustomRouting")
        || matches!(
            operation,
            "TagResource"
                | "UntagResource"
                | "ListTagsForResource"
                | "UpdateAcceleratorAttributes"
                | "DescribeAcceleratorAttributes"
        ))
        && model()["operations"].get(operation).is_some()
}

/// Checks `body` against the operation's input shape.
pub fn validate_request(operation: &str, body: &Value) -> Result<(), ServiceError> {
    let Some(shape) = model()["operations"][operation]["input"]["shape"].as_str() else {
        return Err(unknown_operation(operation));
    };
    check(shape, body, shape)
}

pub fn unknown_operation(operation: &str) -> ServiceError {
    let shown: String = operation
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(80)
        .collect();
    ServiceError::new(
        "UnknownOperationException",
        format!("unknown operation {shown}"),
    )
}

fn invalid(path: &str, what: impl std::fmt::Display) -> ServiceError {
    ServiceError::new("InvalidArgumentException", format!("{path}: {what}"))
}

fn serialization(path: &str, expected: &str) -> ServiceError {
    ServiceError::new(
        "SerializationException",
        format!("{path}: expected {expected}"),
    )
}

fn check(shape_name: &str, value: &Value, path: &str) -> Result<(), ServiceError> {
    let shape = &model()["shapes"][shape_name];
    let min = shape["min"].as_f64();
    let max = shape["max"].as_f64();
    match shape["type"].as_str().unwrap_or("") {
        "structure" => {
            let Some(object) = value.as_object() else {
                return Err(serialization(path, "an object"));
            };
            for required in shape["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap_or("");
                if object.get(name).is_none_or(Value::is_null) {
                    return Err(invalid(&format!("{path}.{name}"), "is required"));
                }
            }
            if let Some(members) = shape["members"].as_object() {
                for (name, member) in members {
                    if let Some(v) = object.get(name).filter(|v| !v.is_null()) {
                        let member_shape = member["shape"].as_str().unwrap_or("");
                        check(member_shape, v, &format!("{path}.{name}"))?;
                    }
                }
            }
        }
        "list" => {
            let Some(items) = value.as_array() else {
                return Err(serialization(path, "a list"));
            };
            let len = items.len() as f64;
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                return Err(invalid(path, bounds("items", min, max, len)));
            }
            let member = shape["member"]["shape"].as_str().unwrap_or("");
            for (i, item) in items.iter().enumerate() {
                check(member, item, &format!("{path}[{i}]"))?;
            }
        }
        "string" => {
            let Some(s) = value.as_str() else {
                return Err(serialization(path, "a string"));
            };
            let len = s.chars().count() as f64;
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                return Err(invalid(path, bounds("characters", min, max, len)));
            }
            if let Some(allowed) = shape["enum"].as_array()
                && !allowed.iter().any(|a| a.as_str() == Some(s))
            {
                let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                return Err(invalid(
                    path,
                    format!("must be one of {}", names.join(", ")),
                ));
            }
        }
        "integer" | "long" => {
            let Some(n) = value.as_i64() else {
                return Err(serialization(path, "an integer"));
            };
            let n = n as f64;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(invalid(path, bounds("as a value", min, max, n)));
            }
        }
        "boolean" if !value.is_boolean() => {
            return Err(serialization(path, "true or false"));
        }
        _ => {}
    }
    Ok(())
}

fn bounds(unit: &str, min: Option<f64>, max: Option<f64>, got: f64) -> String {
    let range = match (min, max) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => String::new(),
    };
    format!("must have {range} {unit}, got {got}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serves_the_custom_routing_operations_and_tagging() {
        let ops: Vec<_> = model()["operations"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|op| is_served(op))
            .collect();
        assert_eq!(ops.len(), 27);
        assert!(!is_served("ListAccelerators"));
    }

    #[test]
    fn required_members_ranges_and_enums() {
        let op = "ListCustomRoutingPortMappings";
        assert!(validate_request(op, &json!({"AcceleratorArn": "a"})).is_ok());
        let e = validate_request(op, &json!({})).unwrap_err();
        assert_eq!(e.code, "InvalidArgumentException");
        assert!(e.message.contains("AcceleratorArn"), "{}", e.message);
        let e =
            validate_request(op, &json!({"AcceleratorArn": "a", "MaxResults": 20001})).unwrap_err();
        assert!(e.message.contains("MaxResults"));
        let e = validate_request(op, &json!({"AcceleratorArn": 5})).unwrap_err();
        assert_eq!(e.code, "SerializationException");

        let create = "CreateCustomRoutingEndpointGroup";
        let body = json!({"ListenerArn": "l", "EndpointGroupRegion": "us-east-1", "IdempotencyToken": "t",
            "DestinationConfigurations": [{"FromPort": 1, "ToPort": 2, "Protocols": ["SCTP"]}]});
        let e = validate_request(create, &body).unwrap_err();
        assert!(e.message.contains("Protocols[0]"), "{}", e.message);
        let body = json!({"ListenerArn": "l", "EndpointGroupRegion": "us-east-1", "IdempotencyToken": "t",
            "DestinationConfigurations": []});
        assert!(
            validate_request(create, &body)
                .unwrap_err()
                .message
                .contains("DestinationConfigurations")
        );
    }
}
