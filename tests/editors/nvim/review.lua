-- sea.review without a server: the proposal preview opens a diff split, :SeaApply and
-- :SeaReject answer the waiting request. Driven by tests/editors/test_nvim_review.py;
-- writes JSON to SEA_TEST_OUT.
local h = dofile(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)) .. "/helper.lua")
h.setup()

local results, write_results = h.results({ rounds = {} })
h.capture_notify(results)

-- the prompt shown beside the split: recorded, then dismissed (the review stays open)
results.prompts = {}
vim.ui.select = function(items, opts, on_choice)
  local titles = {}
  for i, item in ipairs(items) do
    titles[i] = opts.format_item(item)
  end
  table.insert(results.prompts, { kind = opts.kind, items = titles })
  on_choice(nil, nil)
end

local review = require("sea.review")
review.setup()
local root = vim.env.SEA_TEST_ROOT
local diff_path = vim.env.SEA_TEST_DIFF
local preview = {
  type = 3,
  message = "sea (solved): fixed mean",
  actions = { { title = "Apply" }, { title = "Show diff" }, { title = "Reject" } },
}

-- the server's request handlers run in a coroutine, as Neovim's RPC client runs them
local function ask()
  local answer = { done = false }
  coroutine.wrap(function()
    answer.value = review.on_message_request(nil, preview, { client_id = 1, method = "window/showMessageRequest" })
    answer.done = true
  end)()
  return answer
end

local function layout()
  local tab = vim.api.nvim_get_current_tabpage()
  local wins = {}
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(tab)) do
    local buf = vim.api.nvim_win_get_buf(win)
    table.insert(wins, {
      name = vim.api.nvim_buf_get_name(buf),
      diff = vim.wo[win].diff,
      lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
      modifiable = vim.bo[buf].modifiable,
    })
  end
  return { tabs = #vim.api.nvim_list_tabpages(), wins = wins }
end

for _, command in ipairs({ "SeaApply", "SeaReject" }) do
  local round = { command = command }
  local first = ask()
  round.first = first.value -- answered at once: "Show diff"
  round.shown = review.show_diff_file(diff_path, root) -- the server's showDocument
  round.layout = layout()
  local second = ask()
  vim.wait(100) -- the prompt comes up and is dismissed
  round.waiting = not second.done
  vim.cmd(command)
  vim.wait(2000, function()
    return second.done
  end)
  round.answer = second.value
  round.after = layout()
  table.insert(results.rounds, round)
end

results.nothing_waiting = review.decide("Apply")
local stale = vim.fs.joinpath(root, "stale.diff")
local fd = assert(io.open(stale, "w"))
fd:write("--- a/stats.py\n+++ b/stats.py\n@@ -1 +1 @@\n-not the first line\n+x\n")
fd:close()
results.stale = { review.show_diff_file(stale, root) }
results.parsed = review.parse_diff("--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+created\n")
results.created = review.apply_patch({}, results.parsed[1])
results.commands = { SeaApply = vim.fn.exists(":SeaApply") == 2, SeaReject = vim.fn.exists(":SeaReject") == 2 }
results.more_registered = type(vim.lsp.commands["sea.moreSuggestions"]) == "function"

write_results()
vim.cmd("qa!")
