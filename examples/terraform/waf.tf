# Cloudflare, 2 July 2019: a WAF rule ending in `.*(?:.*=.*)` backtracked on every request and took every
# core serving HTTP to 100% CPU. AWS WAF regexes are PCRE.

resource "aws_wafv2_regex_pattern_set" "xss" {
  name  = "shop-xss-${var.environment}"
  scope = "REGIONAL"

  regular_expression {
    regex_string = "(?:\"|'|\\]|\\}|\\\\|\\d)+[)]*;?((?:\\s|-|~|!)*.*(?:.*=.*))"
  }

  // Rewritten: anything but `=`, then `=`: one way to match.
  regular_expression {
    regex_string = "[\"'\\]}\\\\\\d][^=]*="
  }
}
