module "web" {
  source = "./modules/service"

  name            = "shop-web"
  environment     = var.environment
  subnets         = var.private_subnets
  min_size        = 3
  max_size        = 30
  certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/0f1e2d3c"
}

# The checkout flag, managed with the rest of the stack.
resource "launchdarkly_feature_flag" "one_click_checkout" {
  project_key    = "shop"
  key            = "one-click-checkout"
  name           = "One-click checkout"
  variation_type = "boolean"
  temporary      = true

  variations {
    value = true
  }
  variations {
    value = false
  }
}

# The reporting database, its module call copied from the staging stack: GitLab, 31 January 2017 again, one
# layer down. The module is safe by default; this call turns both protections off.
module "reports_db" {
  source = "./modules/database"

  name                  = "shop-reports"
  deletion_protection   = false
  backup_retention_days = 0
}
