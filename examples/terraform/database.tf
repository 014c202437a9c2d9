# The orders database. GitLab, 31 January 2017: the primary's data was deleted by one command run against the
# wrong host, and every backup turned out to be missing or broken.

resource "aws_db_instance" "orders" {
  identifier        = "shop-orders-${var.environment}"
  engine            = "postgres"
  engine_version    = "16.3"
  instance_class    = "db.r6g.xlarge"
  allocated_storage = 500
  username          = "shop"
  password          = var.db_password
  multi_az          = true

  # Set to 0 while the database was being migrated, to make the import faster; never set back.
  backup_retention_period = 0
}

# A read replica: its data is the primary's, so it needs neither protection nor backups of its own.
resource "aws_db_instance" "orders_read" {
  identifier              = "shop-orders-read-${var.environment}"
  replicate_source_db     = aws_db_instance.orders.identifier
  instance_class          = "db.r6g.large"
  backup_retention_period = 0
}

# Carts: protected and recoverable.
resource "aws_dynamodb_table" "carts" {
  name                        = "shop-carts-${var.environment}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "cart_id"
  deletion_protection_enabled = true

  attribute {
    name = "cart_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}

# The S3 backend's lock table: transient locks only.
resource "aws_dynamodb_table" "terraform_lock" {
  name         = "terraform-lock"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }
}
