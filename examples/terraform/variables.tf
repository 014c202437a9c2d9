variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type = string
}

variable "private_subnets" {
  type = list(string)
}

variable "db_password" {
  type      = string
  sensitive = true
}
