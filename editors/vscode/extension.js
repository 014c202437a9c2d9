// hindsight for VS Code: starts `hindsight lsp` and lets vscode-languageclient do the rest (diagnostics,
// hover, code actions, "Fix all" on save). Plain JavaScript so that packaging needs no build step.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function start() {
  const config = vscode.workspace.getConfiguration('hindsight');
  const serverOptions = {
    command: config.get('path', 'hindsight'),
    args: ['lsp'],
  };
  const clientOptions = {
    // By language for the files VS Code recognises, and by pattern for TOML, which VS Code itself has no
    // language for (it is `plaintext` unless a TOML extension is installed). The server decides what to
    // check from the path, so the language id it is sent does not matter.
    documentSelector: [
      { scheme: 'file', language: 'rust' },
      { scheme: 'file', language: 'go' },
      { scheme: 'file', language: 'python' },
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'typescriptreact' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', language: 'javascriptreact' },
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
      { scheme: 'file', language: 'toml' },
      { scheme: 'file', pattern: '**/*.toml' },
      // Infrastructure as code: the language ids of VS Code (dockerfile) and of the Terraform and OpenTofu
      // extensions, and the file names for a workspace without those extensions, where a .tf file is plain text.
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', language: 'terraform-vars' },
      { scheme: 'file', language: 'opentofu' },
      { scheme: 'file', language: 'hcl' },
      { scheme: 'file', pattern: '**/*.{tf,tofu,tfvars,hcl,dockerfile,containerfile}' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile}' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile}.*' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile}-*' },
      // The other formats conftest policies read.
      { scheme: 'file', language: 'xml' },
      { scheme: 'file', language: 'ini' },
      { scheme: 'file', language: 'properties' },
      { scheme: 'file', language: 'dotenv' },
    ],
    initializationOptions: config.get('initializationOptions', {}),
  };
  client = new LanguageClient('hindsight', 'hindsight', serverOptions, clientOptions);
  // Server stderr and protocol errors go to the "hindsight" output channel.
  return client.start();
}

async function activate(context) {
  await start();
  // The server reads its settings at start; a changed `hindsight.*` setting (another executable, other
  // initializationOptions) takes effect by restarting it, rather than by mapping VS Code's settings onto
  // the server's `workspace/configuration` keys.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('hindsight')) {
        await stop();
        await start();
      }
    }),
  );
}

function stop() {
  const running = client;
  client = undefined;
  return running ? running.stop() : undefined;
}

module.exports = { activate, deactivate: stop };
