-- End-to-end run of the sea.nvim plugin against a real `sea-lsp serve`.
-- Driven by tests/editors/test_nvim.py:
--   nvim --headless --clean -u e2e.lua
-- Environment: SEA_NVIM_PLUGIN (editors/nvim), SEA_TEST_PROJECT (a copy of the example
-- project), SEA_TEST_CMD (JSON list: the server command), SEA_TEST_OUT (results JSON).
-- Every wait has a timeout, so a broken server fails a step instead of hanging.
local h = dofile(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)) .. "/helper.lua")
h.setup({ filetype = true })

local results, write_results = h.results({ steps = {}, prompts = {}, review_windows = {} })
local project = vim.env.SEA_TEST_PROJECT
local source_file = project .. "/stats_kit/stats.py"
local BUG = "range(len(values) - window)"

h.watchdog(results, write_results, 150000)
h.capture_notify(results, true)

-- the user's choices: the top sea action for code actions; for a task result first
-- "Show diff", then "Apply"
local diff_seen = false
vim.ui.select = function(items, opts, on_choice)
  h.record_prompt(results, items, opts)
  if opts.kind == "lsp_message" then -- what the user sees beside the prompt: the review split
    for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
      local b = vim.api.nvim_win_get_buf(win)
      table.insert(results.review_windows, {
        name = vim.api.nvim_buf_get_name(b),
        diff = vim.wo[win].diff,
      })
    end
  end
  for i, item in ipairs(items) do
    local action = type(item) == "table" and item.action
    if opts.kind == "codeaction" and action and action.command then
      local command = type(action.command) == "table" and action.command.command or action.command
      if command == "sea.accept" then
        return on_choice(item, i)
      end
    elseif type(item) == "table" and item.title == (diff_seen and "Apply" or "Show diff") then
      diff_seen = true
      return on_choice(item, i)
    end
  end
  on_choice(nil, nil)
end

local done = h.command_done()

local function step(name, fn)
  local record = { ok = false }
  results.steps[name] = record
  local ok, err = xpcall(fn, debug.traceback, record)
  if not ok then
    record.error = tostring(err)
  end
  write_results()
  return ok and record.ok
end

local function wait_command(command, timeout)
  done[command] = nil
  local finished = vim.wait(timeout, function()
    return done[command] ~= nil
  end, 50)
  assert(finished, command .. " did not answer within " .. timeout .. " ms")
  return done[command]
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

local function bug_line(bufnr)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find(BUG, 1, true) then
      return i
    end
  end
end

local sea = require("sea")
sea.setup({
  cmd = vim.json.decode(vim.env.SEA_TEST_CMD),
  trusted = true,
  settings = { budget = { evaluations = 150, seconds = 25 }, testTimeoutS = 20 },
})

vim.cmd.edit(vim.fn.fnameescape(source_file))
local buf = vim.api.nvim_get_current_buf()
local original = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local client

local attached = step("attach", function(r)
  r.commands = {}
  for _, name in ipairs({ "SeaTask", "SeaFixTests", "SeaTests", "SeaTrain", "SeaLog" }) do
    r.commands[name] = vim.fn.exists(":" .. name) == 2
  end
  r.filetype = vim.bo[buf].filetype
  client = h.wait_attached(sea, buf, 20000)
  assert(client, "no sea client attached to " .. source_file .. " within 20 s")
  r.client = client.name
  r.root_dir = client.root_dir
  r.init_trusted = client.config.settings.sea.trusted
  r.executes = client.server_capabilities.executeCommandProvider
  r.got_status = vim.wait(10000, function()
    return sea.status() ~= nil
  end, 50)
  r.status = sea.status()
  r.ok = true
end)

if attached then
  step("diagnostics", function(r)
    vim.cmd("SeaTests")
    local reply = wait_command("sea.runTests", 40000)
    r.result = reply.result
    r.err = reply.err
    local ns = vim.lsp.diagnostic.get_namespace(client.id)
    local found = vim.wait(5000, function()
      return #vim.diagnostic.get(nil, { namespace = ns }) > 0
    end, 50)
    r.diagnostics = {}
    for _, d in ipairs(vim.diagnostic.get(nil, { namespace = ns })) do
      table.insert(r.diagnostics, {
        file = vim.api.nvim_buf_get_name(d.bufnr),
        lnum = d.lnum,
        message = d.message,
        severity = d.severity,
      })
    end
    r.ok = found
  end)

  step("code_action", function(r)
    local line = assert(bug_line(buf), "the bug line is not in the buffer")
    r.line = line
    -- the whole line selected, as a user does with `V` then `gra`
    local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
    vim.api.nvim_win_set_cursor(0, { line, 0 })
    local params =
      vim.lsp.util.make_given_range_params({ line, 0 }, { line, #text }, buf, client.offset_encoding)
    params.context = {
      diagnostics = vim.lsp.diagnostic.from(vim.diagnostic.get(buf, { lnum = line - 1 })),
      triggerKind = 1,
    }
    -- the tests ran: the server proves its top candidates in the background, and the
    -- lightbulb shows the proven fix first once it has ("✓ fixes N failing tests")
    local deadline = vim.uv.now() + 60000
    repeat
      local replies = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 15000) or {}
      local reply = replies[client.id] or {}
      r.err = reply.err
      r.titles = {}
      for _, action in ipairs(reply.result or {}) do
        table.insert(r.titles, {
          title = action.title,
          kind = action.kind,
          command = type(action.command) == "table" and action.command.command or action.command,
          arguments = type(action.command) == "table" and action.command.arguments or nil,
        })
      end
      local proven = r.titles[1] and r.titles[1].title:find("✓ fixes", 1, true) == 1
      if not proven then
        vim.wait(500)
      end
    until proven or vim.uv.now() > deadline
    assert(#r.titles > 0, "the server offered no code actions at line " .. line)
    local before = buffer_text(buf)
    local accepted_before = (sea.status() or {}).accepted or 0
    -- the way a user applies one: code_action() -> vim.ui.select -> edit + command
    done["sea.accept"] = nil
    vim.lsp.buf.code_action({ range = { start = { line, 0 }, ["end"] = { line, #text } } })
    r.changed = vim.wait(15000, function()
      return buffer_text(buf) ~= before
    end, 50)
    r.line_after = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
    -- sea.accept goes through client:exec_cmd; poll the server until it has recorded it
    r.accepted = vim.wait(15000, function()
      local s = client:request_sync(
        "workspace/executeCommand",
        { command = "sea.status", arguments = { vim.empty_dict() } },
        2000
      )
      r.status_after = s and s.result
      return s and s.result and (s.result.accepted or 0) > accepted_before
    end, 200)
    r.ok = r.changed and r.accepted
  end)

  step("task", function(r)
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, original)
    vim.cmd("silent write")
    vim.api.nvim_win_set_cursor(0, { 1, 0 })
    local before = buffer_text(buf)
    vim.cmd("SeaTask fix the failing tests")
    local reply = wait_command("sea.runTask", 90000)
    r.result = reply.result
    r.err = reply.err
    r.changed = vim.wait(5000, function()
      return buffer_text(buf) ~= before
    end, 50)
    r.bug_still_there = bug_line(buf) ~= nil
    -- "Show diff" opened the diff (window/showDocument) in a window of its own
    r.diff_windows = {}
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      local b = vim.api.nvim_win_get_buf(win)
      local name = vim.api.nvim_buf_get_name(b)
      if name:match("%.diff$") then
        table.insert(r.diff_windows, {
          name = name,
          filetype = vim.bo[b].filetype,
          first = vim.api.nvim_buf_get_lines(b, 0, 1, false)[1],
        })
      end
    end
    vim.api.nvim_buf_call(buf, function()
      vim.cmd("silent write")
    end)
    r.ok = type(reply.result) == "table" and reply.result.solved == true and r.changed
  end)
end

step("health", function(r)
  vim.cmd("checkhealth sea")
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  r.lines = lines
  r.ok_lines, r.error_lines = 0, 0
  for _, l in ipairs(lines) do
    if l:find("OK", 1, true) then
      r.ok_lines = r.ok_lines + 1
    end
    if l:find("ERROR", 1, true) then
      r.error_lines = r.error_lines + 1
    end
  end
  r.ok = r.ok_lines > 0 and r.error_lines == 0
end)

results.finished = true
write_results()
vim.cmd("qall!")
