-- sea.nvim's diff review against a real `sea-lsp serve`: :SeaFixTests opens the proposal as
-- a diff split; :SeaReject, then (a second run) :SeaApply answer it. Driven by
-- tests/editors/test_nvim_review.py; writes JSON to SEA_TEST_OUT.
local h = dofile(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)) .. "/helper.lua")
h.setup({ filetype = true })

local results, write_results = h.results({ rounds = {}, prompts = {} })
h.watchdog(results, write_results, 170000)
h.capture_notify(results)
-- the prompt beside the split is dismissed: the user decides with :SeaApply / :SeaReject
vim.ui.select = function(items, opts, on_choice)
  table.insert(results.prompts, { kind = opts.kind, n = #items })
  on_choice(nil, nil)
end

local done = h.command_done()

local sea = require("sea")
local review = require("sea.review")
sea.setup({
  cmd = vim.json.decode(vim.env.SEA_TEST_CMD),
  trusted = true,
  settings = { budget = { evaluations = 150, seconds = 25 }, testTimeoutS = 20 },
})
local source = vim.env.SEA_TEST_PROJECT .. "/stats_kit/stats.py"
vim.cmd.edit(vim.fn.fnameescape(source))
local buf = vim.api.nvim_get_current_buf()
results.attached = h.wait_attached(sea, buf, 20000) ~= nil

local function round(command)
  local r = { command = command }
  table.insert(results.rounds, r)
  done["sea.fixFailingTests"] = nil
  vim.cmd("SeaFixTests")
  r.review_open = vim.wait(90000, function()
    return review.state.pending ~= nil
  end, 100)
  if not r.review_open then
    return r
  end
  r.tabs = #vim.api.nvim_list_tabpages()
  r.wins = {}
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    local b = vim.api.nvim_win_get_buf(win)
    table.insert(r.wins, {
      name = vim.api.nvim_buf_get_name(b),
      diff = vim.wo[win].diff,
      text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), "\n"),
    })
  end
  vim.cmd(command)
  r.finished = vim.wait(30000, function()
    return done["sea.fixFailingTests"] ~= nil
  end, 50)
  r.result = done["sea.fixFailingTests"] and done["sea.fixFailingTests"].result
  r.tabs_after = #vim.api.nvim_list_tabpages()
  r.buffer = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  return r
end

if results.attached then
  round("SeaReject")
  round("SeaApply")
end
write_results()
vim.cmd("qa!")
