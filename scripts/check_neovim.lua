-- Run by scripts/try-neovim.sh inside headless Neovim, with the docs' init.lua loaded and src/bot.rs of the
-- bundled example open. Prints "ok: ..." or "FAILED: ..." per check and exits non-zero when one fails.
local failures = 0
local function check(description, ok)
  if ok then
    print("ok: " .. description)
  else
    print("FAILED: " .. description)
    failures = failures + 1
  end
end
local function codes()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    found[#found + 1] = string.format("%s@%d:%d", d.code, d.lnum + 1, d.col + 1)
  end
  table.sort(found)
  return table.concat(found, " ")
end
local function client()
  return vim.lsp.get_active_clients({ name = "hindsight" })[1]
end

-- The three findings `hindsight check` reports, at the same positions.
local expected = "HS1001@34:55 HS1002@40:9 HS1003@28:41"
vim.wait(10000, function() return codes() == expected end, 50)
check("diagnostics " .. expected .. " (got: " .. codes() .. ")", codes() == expected)

vim.api.nvim_win_set_cursor(0, { 28, 40 })
local hover = vim.lsp.buf_request_sync(0, "textDocument/hover", vim.lsp.util.make_position_params(), 5000) or {}
local text = ""
for _, response in pairs(hover) do
  if response.result then text = response.result.contents.value end
end
check("hover shows the HS1003 page", text:find("# HS1003 `panic-in-config-ingestion`", 1, true) ~= nil)

-- Code actions get the LSP form of the diagnostics on the line, as vim.lsp.buf.code_action() sends them.
local params = vim.lsp.util.make_range_params()
local on_line = {}
for _, d in ipairs(vim.diagnostic.get(0, { lnum = 27 })) do
  on_line[#on_line + 1] = d.user_data.lsp
end
params.context = { diagnostics = on_line }
local actions = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 5000) or {}
local allow
for _, response in pairs(actions) do
  for _, action in ipairs(response.result or {}) do
    if action.title == "Allow HS1003 here (write why it is safe)" then allow = action end
  end
end
check("code actions offer a reasoned suppression", allow ~= nil)

if allow then
  vim.lsp.util.apply_workspace_edit(allow.edit, client().offset_encoding)
  check("the suppression is inserted above the finding",
    vim.api.nvim_buf_get_lines(0, 27, 28, false)[1] == "        // hindsight-allow(HS1003): ")
  -- Without a reason it suppresses nothing and is itself reported.
  vim.wait(5000, function() return codes():find("HS9001", 1, true) ~= nil end, 50)
  check("a suppression without a reason is reported (HS9001)", codes():find("HS9001", 1, true) ~= nil)
  vim.api.nvim_buf_set_text(0, 27, 36, 27, 36, { "the loader validated the size" })
  local after = "HS1001@35:55 HS1002@41:9"
  vim.wait(5000, function() return codes() == after end, 50)
  check("typing the reason clears HS1003 and HS9001 (got: " .. codes() .. ")", codes() == after)
end

-- Configuration buffers get the server too (the FileType list of the docs' init.lua): a Dockerfile and a
-- Terraform file, with the findings `hindsight check` reports there.
for _, case in ipairs({
  { file = "Dockerfile", filetype = "dockerfile", finding = "HS8020@8:6" },
  { file = "infra/waf.tf", filetype = "terraform", finding = "HS8005@9:5" },
}) do
  vim.cmd("edit " .. case.file)
  vim.wait(10000, function() return codes():find(case.finding, 1, true) ~= nil end, 50)
  check(case.file .. " (filetype " .. vim.bo.filetype .. ") shows " .. case.finding .. " (got: " .. codes() .. ")",
    vim.bo.filetype == case.filetype and codes():find(case.finding, 1, true) ~= nil)
end

vim.cmd(failures == 0 and "qa!" or "cquit! 1")
