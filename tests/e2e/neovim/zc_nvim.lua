-- Drives ZombieCoder in a real Neovim (0.7+): diagnostics arrive, a quick fix is applied.
-- Run: nvim --headless -u NONE -c 'luafile zc_nvim.lua'   (env: ZC_PY, ZC_WS, ZC_OUT)
local out = {}
local function finish(err)
  out.error = err
  local f = io.open(os.getenv("ZC_OUT"), "w")
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  local root = os.getenv("ZC_WS")
  local file = root .. "/calc.py"
  local published = {}
  local client_id = vim.lsp.start_client({
    name = "zombiecoder",
    cmd = { os.getenv("ZC_PY"), "-m", "zc_lsp" },
    root_dir = root,
    init_options = { trust = { trusted = true } },
    handlers = {
      ["textDocument/publishDiagnostics"] = function(e, result, ctx, config)
        published[result.uri] = result.diagnostics
        return vim.lsp.handlers["textDocument/publishDiagnostics"](e, result, ctx, config)
      end,
      ["window/showMessage"] = function(_, result) out.messages = (out.messages or 0) + 1 end,
    },
  })
  assert(client_id, "start_client failed")
  vim.cmd("edit " .. file)
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local uri = vim.uri_from_bufnr(bufnr)

  local got = vim.wait(30000, function()
    for _, d in ipairs(published[uri] or {}) do
      if d.code == "F401" then return true end
    end
    return false
  end, 50)
  assert(got, "no F401 diagnostic within 30 s")
  out.codes = {}
  local f401
  for _, d in ipairs(published[uri]) do
    table.insert(out.codes, d.code)
    if d.code == "F401" then f401 = d end
  end
  out.neovim_diagnostics = #vim.diagnostic.get(bufnr)

  local client = vim.lsp.get_client_by_id(client_id)
  local params = {
    textDocument = { uri = uri },
    range = f401.range,
    context = { diagnostics = { f401 } },
  }
  local resp = client.request_sync("textDocument/codeAction", params, 10000, bufnr)
  assert(resp and resp.result, "no code actions: " .. vim.inspect(resp))
  out.titles = {}
  local fix
  for _, action in ipairs(resp.result) do
    table.insert(out.titles, action.title)
    if action.kind == "quickfix" and action.edit and not fix then fix = action end
  end
  assert(fix, "no quick fix with an edit")
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding or "utf-16")
  out.first_line_after_fix = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1]

  local status = client.request_sync("workspace/executeCommand", { command = "zc.status", arguments = {} }, 10000, bufnr)
  out.agents = #(status.result.agents or {})
  client.stop()
end)
finish(ok and vim.NIL or tostring(err))
