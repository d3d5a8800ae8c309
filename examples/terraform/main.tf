# A custom routing accelerator, its listener and endpoint groups, managed by Terraform against
# `portolan emulator` instead of AWS:
#   portolan emulator --listen 127.0.0.1:4000 --topology examples/terraform/account.toml
#   terraform init && terraform apply
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "endpoint" {
  description = "The URL `portolan emulator` printed."
  type        = string
  default     = "http://127.0.0.1:4000"
}

variable "team" {
  type    = string
  default = "games"
}

variable "listener_to_port" {
  description = "Last accelerator port of the listener (it starts at 10000)."
  type        = number
  default     = 10999
}

variable "europe" {
  description = "Add an endpoint group in eu-west-1 too."
  type        = bool
  default     = false
}

provider "aws" {
  # Global Accelerator's control plane lives in us-west-2.
  region     = "us-west-2"
  access_key = "test"
  secret_key = "test"

  # Nothing but the emulator is called: no STS, no instance metadata.
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    globalaccelerator = var.endpoint
  }
}

resource "aws_globalaccelerator_custom_routing_accelerator" "game" {
  name            = "game-servers"
  ip_address_type = "IPV4"
  enabled         = true

  attributes {
    flow_logs_enabled   = true
    flow_logs_s3_bucket = "flow-logs-123456789012"
    flow_logs_s3_prefix = "game-servers/"
  }

  tags = {
    team = var.team
  }
}

resource "aws_globalaccelerator_custom_routing_listener" "game" {
  accelerator_arn = aws_globalaccelerator_custom_routing_accelerator.game.id

  port_range {
    from_port = 10000
    to_port   = var.listener_to_port
  }
}

resource "aws_globalaccelerator_custom_routing_endpoint_group" "us" {
  listener_arn          = aws_globalaccelerator_custom_routing_listener.game.id
  endpoint_group_region = "us-east-1"

  destination_configuration {
    from_port = 7777
    to_port   = 7778
    protocols = ["UDP"]
  }

  endpoint_configuration {
    endpoint_id = "subnet-0e00000000000001a"
  }

  endpoint_configuration {
    endpoint_id = "subnet-0e00000000000002a"
  }
}

resource "aws_globalaccelerator_custom_routing_endpoint_group" "eu" {
  count                 = var.europe ? 1 : 0
  listener_arn          = aws_globalaccelerator_custom_routing_listener.game.id
  endpoint_group_region = "eu-west-1"

  destination_configuration {
    from_port = 5060
    to_port   = 5061
    protocols = ["TCP", "UDP"]
  }

  endpoint_configuration {
    endpoint_id = "subnet-0f00000000000001b"
  }
}

data "aws_globalaccelerator_custom_routing_accelerator" "game" {
  arn = aws_globalaccelerator_custom_routing_accelerator.game.id
}

output "accelerator_arn" {
  value = aws_globalaccelerator_custom_routing_accelerator.game.id
}

output "dns_name" {
  value = data.aws_globalaccelerator_custom_routing_accelerator.game.dns_name
}

output "static_ips" {
  value = aws_globalaccelerator_custom_routing_accelerator.game.ip_sets[0].ip_addresses
}
