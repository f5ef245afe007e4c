-- The sea.nvim plugin with a second workspace folder: a file of project `alpha` is opened
-- (the sea client starts with alpha as its root), the user adds project `beta` with
-- vim.lsp.buf.add_workspace_folder(), then opens beta's file: the same client serves it
-- (Neovim reuses a client whose workspace folders hold the new root) and code actions on
-- its buggy line come back and apply. Driven by tests/editors/test_nvim.py:
--   nvim --headless --clean -u second_folder.lua
-- Environment: SEA_NVIM_PLUGIN, SEA_TEST_ALPHA and SEA_TEST_BETA (the two project copies),
-- SEA_TEST_CMD (JSON list: the server command), SEA_TEST_OUT (results JSON).
local h = dofile(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)) .. "/helper.lua")
h.setup({ filetype = true })

local results, write_results = h.results({ prompts = {} })
h.watchdog(results, write_results, 110000)
h.capture_notify(results, true)

local SOURCE = "/stats_kit/stats.py"
local BUG = "range(len(values) - window)"

-- the user picks the first entry of every menu: the top code action, then (untrusted:
-- "More SEA suggestions…") the first suggestion
vim.ui.select = function(items, opts, on_choice)
  h.record_prompt(results, items, opts)
  on_choice(items[1], items[1] and 1 or nil)
end

local sea = require("sea")
sea.setup({ cmd = vim.json.decode(vim.env.SEA_TEST_CMD) })

local function buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
end

local function open(file)
  vim.cmd.edit(vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local client = h.wait_attached(sea, buf, 20000)
  assert(client, "no sea client attached to " .. file .. " within 20 s")
  return buf, client
end

local function accepted(client, buf)
  local s = client:request_sync(
    "workspace/executeCommand",
    { command = "sea.status", arguments = { { uri = vim.uri_from_bufnr(buf) } } },
    3000
  )
  return s and s.result and (s.result.accepted or 0) or 0, s and s.err and s.err.message
end

h.run(results, write_results, function()
  local _, first = open(vim.env.SEA_TEST_ALPHA .. SOURCE)
  results.first = { id = first.id, root_dir = first.root_dir or vim.NIL }
  -- :lua vim.lsp.buf.add_workspace_folder("~/src/beta") from alpha's buffer
  vim.lsp.buf.add_workspace_folder(vim.env.SEA_TEST_BETA)
  local buf, client = open(vim.env.SEA_TEST_BETA .. SOURCE)
  results.second = { id = client.id, root_dir = client.root_dir or vim.NIL }
  results.workspace_folders = {}
  for _, folder in ipairs(client.workspace_folders or {}) do
    table.insert(results.workspace_folders, folder.name)
  end
  results.clients = #vim.lsp.get_clients({ name = "sea" })

  local line
  for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if text:find(BUG, 1, true) then
      line = i
      break
    end
  end
  assert(line, "the bug line is not in " .. vim.api.nvim_buf_get_name(buf))
  local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
  vim.api.nvim_win_set_cursor(0, { line, 0 })
  local params =
    vim.lsp.util.make_given_range_params({ line, 0 }, { line, #text }, buf, client.offset_encoding)
  params.context = { diagnostics = {}, triggerKind = 1 }
  local replies = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 15000) or {}
  local reply = replies[client.id] or {}
  results.err = reply.err and (reply.err.message or vim.inspect(reply.err)) or vim.NIL
  results.titles = {}
  for _, action in ipairs(reply.result or {}) do
    table.insert(results.titles, action.title)
  end
  assert(#results.titles > 0, "the server offered no code actions at line " .. line)

  local before = buffer_text(buf)
  local accepted_before, status_err = accepted(client, buf)
  results.status_err = status_err or vim.NIL
  -- the way a user applies one: code_action() -> vim.ui.select -> edit + command
  vim.lsp.buf.code_action({ range = { start = { line, 0 }, ["end"] = { line, #text } } })
  results.changed = vim.wait(15000, function()
    return buffer_text(buf) ~= before
  end, 50)
  results.line_after = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
  results.alpha_untouched = buffer_text(vim.fn.bufnr(vim.env.SEA_TEST_ALPHA .. SOURCE))
    == table.concat(vim.fn.readfile(vim.env.SEA_TEST_ALPHA .. SOURCE), "\n")
  results.accepted = vim.wait(15000, function()
    return accepted(client, buf) > accepted_before
  end, 200)
  results.finished = true
end)
