-- What the Lua scripts of tests/editors/test_nvim*.py share: the plugin on the runtimepath,
-- the results JSON they write for pytest, a watchdog, captured notifications, the
-- SeaCommandDone events and waiting for the sea client to attach. Each script loads it with
--   local h = dofile(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)) .. "/helper.lua")
-- Environment: SEA_NVIM_PLUGIN (editors/nvim), SEA_TEST_OUT (the results JSON).
local M = {}

--- The plugin (SEA_NVIM_PLUGIN) first on the runtimepath; no swap files, no more-prompt;
--- `filetype` on where the script opens Python files for the LSP client.
function M.setup(opts)
  opts = opts or {}
  assert(vim.env.SEA_NVIM_PLUGIN, "SEA_NVIM_PLUGIN (the editors/nvim directory) is not set")
  vim.opt.runtimepath:prepend(vim.env.SEA_NVIM_PLUGIN)
  if opts.filetype then
    vim.cmd("filetype on")
  end
  vim.o.swapfile = false
  vim.o.more = false
end

--- The script's results (starting as `initial`, with a `notifications` list) and the
--- function that writes them as JSON to SEA_TEST_OUT for pytest to read.
function M.results(initial)
  local results = initial or {}
  results.notifications = results.notifications or {}
  local function write()
    local f = assert(io.open(assert(vim.env.SEA_TEST_OUT, "SEA_TEST_OUT is not set"), "w"))
    f:write(vim.json.encode(results))
    f:close()
  end
  return results, write
end

--- After `ms`, in case a blocking call never returns: writes the results with
--- `watchdog = true` and exits with status 3.
function M.watchdog(results, write, ms)
  vim.defer_fn(function()
    results.watchdog = true
    write()
    os.exit(3)
  end, ms)
end

--- Records every vim.notify in `results.notifications`; with `show`, still shows it.
function M.capture_notify(results, show)
  local real_notify = vim.notify
  vim.notify = function(msg, level, opts)
    table.insert(results.notifications, { msg = tostring(msg), level = level })
    if show then
      return real_notify(msg, level, opts)
    end
  end
end

--- The table that the plugin's `User SeaCommandDone` events fill: command -> event data.
function M.command_done()
  local done = {}
  vim.api.nvim_create_autocmd("User", {
    pattern = "SeaCommandDone",
    callback = function(ev)
      done[ev.data.command] = ev.data
    end,
  })
  return done
end

--- Waits up to `ms` for an initialized sea client on `buf`; returns it, or nil.
function M.wait_attached(sea, buf, ms)
  local client
  local attached = vim.wait(ms or 20000, function()
    client = sea.clients(buf)[1]
    return client ~= nil and client.initialized
  end, 50)
  return attached and client or nil
end

--- Records a vim.ui.select prompt in `results.prompts` (its prompt, kind and the titles
--- the user reads) and returns the titles.
function M.record_prompt(results, items, opts)
  local titles = {}
  for i, item in ipairs(items) do
    titles[i] = opts.format_item and opts.format_item(item) or tostring(item)
  end
  table.insert(results.prompts, { prompt = opts.prompt, kind = opts.kind, items = titles })
  return titles
end

--- Runs the script's body `fn`; an error (with its traceback) goes into `results.error`.
--- Then writes the results and quits Neovim.
function M.run(results, write, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    results.error = tostring(err)
  end
  write()
  vim.cmd("qall!")
end

return M
