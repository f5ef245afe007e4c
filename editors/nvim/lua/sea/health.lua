--- :checkhealth sea
local M = {}

local health = vim.health

local function version_cmd(cmd)
  local out = {}
  for _, part in ipairs(cmd) do
    if part == "serve" then
      break
    end
    table.insert(out, part)
  end
  table.insert(out, "--version")
  return out
end

local function check_server(sea)
  local cmd = sea.resolve_cmd(sea.options)
  local missing = sea.missing_cmd_message(cmd)
  if missing then
    health.error(("server command `%s` not found"):format(cmd[1]), vim.split(missing, "\n"))
    return false
  end
  health.ok(("server command: %s (%s)"):format(table.concat(cmd, " "), vim.fn.exepath(cmd[1])))
  local ok, proc = pcall(vim.system, version_cmd(cmd), { text = true })
  local result = ok and proc:wait(15000) or nil
  if not result or result.code ~= 0 then
    local why = result and (result.stderr or ""):gsub("%s+$", "") or tostring(proc)
    health.error("`" .. table.concat(version_cmd(cmd), " ") .. "` failed: " .. why, {
      "Reinstall the server (`pip install --force-reinstall sea-lsp`) in that environment.",
    })
    return false
  end
  local version = vim.trim((result.stdout or "") .. (result.stderr or ""))
  health.ok("server version: " .. version)
  return true
end

local function check_trust(sea)
  local trusted = sea.options.trusted
  if trusted == true then
    health.ok("trusted = true: the agent may run your tests in a sandbox copy of the project")
  elseif trusted == "secure" or type(trusted) == "function" then
    health.ok(("trusted = %s: decided per project root"):format(vim.inspect(trusted)))
  else
    health.warn("trusted = false: tasks that run tests (fixes, :SeaTests) are disabled", {
      "Trust projects you own: require('sea').setup({ trusted = true }),",
      "or per project with Neovim's trust database: setup({ trusted = 'secure' }).",
    })
  end
end

local function check_client(sea)
  local client = sea.client()
  if not client then
    health.info("no sea client is running: start a Python buffer to see the model and feedback database")
    return
  end
  local reply = client:request_sync(
    "workspace/executeCommand",
    { command = "sea.status", arguments = { vim.empty_dict() } },
    5000
  )
  if not reply or reply.err or type(reply.result) ~= "table" then
    local why = reply and reply.err and reply.err.message or "no answer within 5 s"
    health.error("sea.status failed: " .. why, { "See the server log: :SeaLog" })
    return
  end
  local s = reply.result
  health.ok(("client %d attached, root %s"):format(client.id, client.root_dir or "(none)"))
  if s.modelReady then
    health.ok("model: " .. tostring(s.modelVersion))
  else
    health.warn("model not loaded yet (" .. tostring(s.modelVersion) .. ")", {
      "It loads in the background after start-up; check again in a few seconds or see :SeaLog.",
    })
  end
  if s.trusted then
    health.ok("server reports this workspace as trusted")
  else
    health.warn("server reports this workspace as untrusted: no code is run")
  end
  local db = s.feedbackDb
  if type(db) == "string" and db ~= "" then
    local where = vim.uv.fs_stat(db) and "" or " (created on the first offer)"
    health.ok(
      ("feedback database: %s%s, %s offers, %s accepted"):format(
        db,
        where,
        tostring(s.offers or 0),
        tostring(s.accepted or 0)
      )
    )
  else
    health.warn("the server did not report a feedback database", { "See :SeaLog" })
  end
end

function M.check()
  health.start("sea-lsp")
  if vim.fn.has("nvim-0.11") == 1 then
    health.ok("Neovim " .. tostring(vim.version()))
  else
    health.error("Neovim 0.11 or newer is required (vim.lsp.config)")
    return
  end
  local sea = require("sea")
  if not sea.configured then
    health.warn("require('sea').setup() has not been called: no server is configured", {
      "Add require('sea').setup({ trusted = true }) to your config (see :help sea-setup).",
    })
  end
  if check_server(sea) then
    check_trust(sea)
    check_client(sea)
  end
end

return M
