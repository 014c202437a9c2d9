# A reusable PostgreSQL database: protection and backups are the caller's to set, safe by default.

variable "name" {
  type = string
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "backup_retention_days" {
  type    = number
  default = 7
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = "db.r6g.large"
  allocated_storage       = 200
  deletion_protection     = var.deletion_protection
  backup_retention_period = var.backup_retention_days
}
