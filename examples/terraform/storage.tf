resource "aws_s3_bucket" "invoices" {
  bucket = "acme-shop-invoices-${var.environment}"
  # Copied from the development stack, where `terraform destroy` has to be quick.
  force_destroy = true
}

resource "aws_s3_bucket" "build_cache" {
  bucket        = "acme-shop-build-cache-${var.environment}"
  force_destroy = true # hindsight-allow(HS8002): build cache, rebuilt on demand
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-shop-exports-${var.environment}"

  lifecycle {
    prevent_destroy = true
  }
}
