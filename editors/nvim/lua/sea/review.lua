--- Native review of sea-lsp's proposals, and the "More SEA suggestions…" picker.
---
--- A task's result is previewed by the server with a message request (Apply / Show diff /
--- Reject). Here the diff opens at once as a diff split: the file on the left, a scratch
--- buffer with the proposed text on the right (`:diffthis` on both); `:SeaApply` and
--- `:SeaReject` answer the server's request, which applies and records the decision.
local M = {}

local PREVIEW = { Apply = true, ["Show diff"] = true, Reject = true }

M.state = { shown = false, pending = nil, tab = nil }

local function notify(msg, level)
  vim.notify("sea-lsp: " .. msg, level or vim.log.levels.INFO)
end

local function strip_prefix(header)
  local path = vim.split(header, "\t", { plain = true })[1]
  path = vim.trim(path)
  if path == "/dev/null" then
    return nil
  end
  return (path:gsub("^[ab]/", ""))
end

--- The file patches of a unified diff: {old_path, new_path, hunks = {{old_start, old_lines,
--- lines = {{op, text}}}}}; paths without their `a/` `b/` prefixes, nil for /dev/null.
---@param text string
---@return table[]
function M.parse_diff(text)
  local patches, patch, hunk = {}, nil, nil
  local lines = vim.split(text, "\n", { plain = true })
  local i = 1
  while i <= #lines do
    local line = lines[i]
    local nxt = lines[i + 1] or ""
    if line:sub(1, 4) == "--- " and nxt:sub(1, 4) == "+++ " then
      patch = { old_path = strip_prefix(line:sub(5)), new_path = strip_prefix(nxt:sub(5)), hunks = {} }
      table.insert(patches, patch)
      hunk = nil
      i = i + 1
    else
      local a, b = line:match("^@@ %-(%d+),?(%d*) %+%d+,?%d* @@")
      if a and patch then
        hunk = { old_start = tonumber(a), old_lines = b == "" and 1 or tonumber(b), lines = {} }
        table.insert(patch.hunks, hunk)
      elseif hunk then
        local op = line:sub(1, 1)
        if op == " " or op == "-" or op == "+" then
          table.insert(hunk.lines, { op = op, text = line:sub(2) })
        end
      end
    end
    i = i + 1
  end
  return patches
end

--- `lines` (a buffer's lines) with `patch` applied; nil and a reason when a context or
--- removed line is not what the proposal expects (the file changed since).
---@return string[]|nil, string|nil
function M.apply_patch(lines, patch)
  local out, at = {}, 1
  for _, hunk in ipairs(patch.hunks) do
    local start = hunk.old_lines == 0 and hunk.old_start + 1 or hunk.old_start
    if start < at or start > #lines + 1 then
      return nil, ("a hunk at line %d is out of place"):format(hunk.old_start)
    end
    vim.list_extend(out, lines, at, start - 1)
    at = start
    for _, l in ipairs(hunk.lines) do
      if l.op == "+" then
        table.insert(out, l.text)
      else
        if lines[at] ~= l.text then
          return nil, ("line %d is no longer the one the proposal changes; run the task again"):format(at)
        end
        if l.op == " " then
          table.insert(out, lines[at])
        end
        at = at + 1
      end
    end
  end
  vim.list_extend(out, lines, at, #lines)
  return out
end

local function read_lines(path)
  local fd = io.open(path, "r")
  if not fd then
    return nil
  end
  local text = fd:read("*a")
  fd:close()
  return text
end

--- Open one file patch as a diff split in the current tab.
local function show_patch(root, patch, first)
  local rel = patch.new_path or patch.old_path
  local file = vim.fs.joinpath(root, rel)
  local bufnr = vim.fn.bufadd(file)
  vim.fn.bufload(bufnr)
  local original = patch.old_path and vim.api.nvim_buf_get_lines(bufnr, 0, -1, false) or {}
  local proposed, why = {}, nil
  if patch.new_path then
    proposed, why = M.apply_patch(original, patch)
    if not proposed then
      return false, why
    end
  end
  vim.cmd(first and "tab sbuffer " .. bufnr or "split | buffer " .. bufnr)
  vim.cmd("diffthis")
  vim.cmd("rightbelow vertical new")
  local scratch = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, proposed)
  vim.bo[scratch].buftype = "nofile"
  vim.bo[scratch].bufhidden = "wipe"
  vim.bo[scratch].swapfile = false
  vim.bo[scratch].modifiable = false
  vim.bo[scratch].filetype = vim.bo[bufnr].filetype
  pcall(vim.api.nvim_buf_set_name, scratch, "sea-proposal://" .. rel)
  vim.b[scratch].sea_proposal = rel
  vim.cmd("diffthis")
  return true
end

local function close_review()
  local tab = M.state.tab
  M.state.tab = nil
  if tab and vim.api.nvim_tabpage_is_valid(tab) then
    for _, win in ipairs(vim.api.nvim_tabpage_list_wins(tab)) do
      vim.api.nvim_win_call(win, function()
        vim.cmd("diffoff")
      end)
    end
    if #vim.api.nvim_list_tabpages() > 1 then
      vim.cmd("tabclose " .. vim.api.nvim_tabpage_get_number(tab))
    end
  end
end

--- Show the server's diff file (`<data dir>/diffs/<offer>.diff`) as diff splits in a new
--- tab; false (and why) when it cannot, then the raw diff is shown instead.
---@param diff_path string
---@param root string the client's root directory (paths in the diff are relative to it)
---@return boolean, string|nil
function M.show_diff_file(diff_path, root)
  local text = read_lines(diff_path)
  if not text then
    return false, "cannot read " .. diff_path
  end
  local patches = M.parse_diff(text)
  if #patches == 0 then
    return false, "the diff is empty"
  end
  close_review() -- "Show diff" again: one review tab at a time
  for i, patch in ipairs(patches) do
    local ok, why = show_patch(root, patch, i == 1)
    if not ok then
      return false, why
    end
  end
  M.state.tab = vim.api.nvim_get_current_tabpage()
  notify("review the proposal in the diff split: :SeaApply or :SeaReject")
  return true
end

--- `window/showMessageRequest`: the proposal preview opens the diff first, then waits for
--- :SeaApply / :SeaReject; any other request goes to Neovim's own handler.
function M.on_message_request(err, params, ctx)
  local actions = type(params) == "table" and params.actions or {}
  local titles = {}
  for _, a in ipairs(actions) do
    titles[a.title] = true
  end
  local preview = titles.Apply and titles["Show diff"] and titles.Reject
  local co, is_main = coroutine.running()
  if not preview or not co or is_main then
    return vim.lsp.handlers["window/showMessageRequest"](err, params, ctx)
  end
  if not M.state.shown then
    M.state.shown = true
    return { title = "Show diff" } -- the server shows the diff, then asks again
  end
  M.state.pending = function(title)
    vim.schedule(function()
      coroutine.resume(co, title and { title = title } or vim.NIL)
    end)
  end
  notify(params.message .. " — :SeaApply or :SeaReject")
  -- the same choice as a prompt (the notification's buttons, in VS Code's terms);
  -- dismissing it leaves the review open for :SeaApply / :SeaReject
  vim.schedule(function()
    if not M.state.pending then
      return
    end
    vim.ui.select(actions, {
      prompt = params.message .. ": ",
      kind = "lsp_message",
      format_item = function(action)
        return action.title
      end,
    }, function(choice)
      if choice and M.state.pending then
        M.decide(choice.title)
      end
    end)
  end)
  return coroutine.yield()
end

--- Answer the waiting proposal: "Apply", "Reject" (or "Show diff").
---@param title string
---@return boolean answered
function M.decide(title)
  local pending = M.state.pending
  if not pending or not PREVIEW[title] then
    notify("no sea-lsp proposal is waiting for review", vim.log.levels.WARN)
    return false
  end
  M.state.pending = nil
  if title ~= "Show diff" then
    M.state.shown = false
    close_review()
  end
  pending(title)
  return true
end

--- "More SEA suggestions…": the rest of the list in vim.ui.select; the chosen one applied.
function M.more_suggestions(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  local arg = vim.deepcopy((command.arguments or {})[1] or {})
  arg.list = true
  local params = { command = "sea.moreSuggestions", arguments = { arg } }
  client:request("workspace/executeCommand", params, function(err, result)
    if err or type(result) ~= "table" or type(result.items) ~= "table" then
      notify("more suggestions failed: " .. (err and err.message or "no answer"), vim.log.levels.ERROR)
      return
    end
    vim.ui.select(result.items, {
      prompt = "More SEA suggestions (not verified by the tests)",
      kind = "sea_suggestions",
      format_item = function(item)
        return item.title
      end,
    }, function(choice)
      if not choice then
        return
      end
      local apply = { offer = result.offer, index = choice.index }
      client:request("workspace/executeCommand", {
        command = "sea.applySuggestion",
        arguments = { apply },
      }, function(e)
        if e then
          notify("applying the suggestion failed: " .. (e.message or ""), vim.log.levels.ERROR)
        end
      end, ctx.bufnr)
    end)
  end, ctx.bufnr)
end

--- Register the client-side command and the :SeaApply / :SeaReject user commands.
function M.setup()
  vim.lsp.commands["sea.moreSuggestions"] = M.more_suggestions
  vim.api.nvim_create_user_command("SeaApply", function()
    M.decide("Apply")
  end, { desc = "sea-lsp: apply the proposal under review" })
  vim.api.nvim_create_user_command("SeaReject", function()
    M.decide("Reject")
  end, { desc = "sea-lsp: reject the proposal under review" })
end

return M
