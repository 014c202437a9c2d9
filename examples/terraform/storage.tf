resource "aws_s3_bucket" "invoices" {
  bucket = "acme-shop-invoices-${var.environment}"
  # Copied from the development stack, where `terraform destroy` has to be quick.
  force_destroy = true
}

resource "aws_s3_bucket" "media" {
  bucket        = "acme-shop-media-${var.environment}"
  force_destroy = true # hindsight-allow(HS8002): product images, re-rendered from the catalogue on demand
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-shop-exports-${var.environment}"

  lifecycle {
    prevent_destroy = true
  }
}
