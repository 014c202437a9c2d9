# A load-balanced service: a target group and the autoscaling group behind it.

variable "name" {
  type = string
}

variable "environment" {
  type = string
}

variable "subnets" {
  type = list(string)
}

variable "min_size" {
  type = number
}

variable "max_size" {
  type = number
}

variable "certificate_arn" {
  type = string
}

resource "aws_lb_target_group" "this" {
  name     = "${var.name}-${var.environment}"
  port     = 8080
  protocol = "HTTP"
}

# Sized by the caller.
resource "aws_autoscaling_group" "this" {
  name                = "${var.name}-${var.environment}"
  min_size            = var.min_size
  max_size            = var.max_size
  vpc_zone_identifier = var.subnets
  target_group_arns   = [aws_lb_target_group.this.arn]
}

# The canary group. AWS S3, 28 February 2017: one mistyped capacity command removed the servers two subsystems
# needed; the fix was a floor the tools cannot go below.
resource "aws_autoscaling_group" "canary" {
  name                = "${var.name}-canary-${var.environment}"
  min_size            = 0
  max_size            = 3
  desired_capacity    = 1
  vpc_zone_identifier = var.subnets
  target_group_arns   = [aws_lb_target_group.this.arn]
}
