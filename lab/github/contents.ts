// `GET /repos/{o}/{r}/contents/{path}?ref=` as GitHub answers it, for the workflow files the lab
// knows: a file is an object with its text in base64 (wrapped at 60 characters, as GitHub does),
// a directory an array of entries without content; a missing path or ref is a 404.
import { createHash } from 'node:crypto';
import { repoApi, repoWeb, type ShapeContext } from './shapes.js';

const blobSha = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');

/** The fields every entry has, a directory's entries and a file alike. */
function entry(ctx: ShapeContext, path: string, ref: string, text: string) {
  const bytes = Buffer.from(text, 'utf8');
  const sha = blobSha(bytes);
  const url = `${repoApi(ctx)}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${repoApi(ctx)}/git/blobs/${sha}`;
  const htmlUrl = `${repoWeb(ctx)}/blob/${ref}/${path}`;
  return {
    bytes,
    fields: {
      type: 'file' as const,
      size: bytes.byteLength,
      name: path.slice(path.lastIndexOf('/') + 1),
      path,
      sha,
      url,
      git_url: gitUrl,
      html_url: htmlUrl,
      download_url: `${ctx.webUrl}/${ctx.repo.owner}/${ctx.repo.name}/raw/${ref}/${path}`,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    },
  };
}

export function fileContent(ctx: ShapeContext, path: string, ref: string, text: string) {
  const { bytes, fields } = entry(ctx, path, ref, text);
  return { ...fields, encoding: 'base64', content: bytes.toString('base64').replace(/(.{60})/g, '$1\n') };
}

export function directoryContent(ctx: ShapeContext, dir: string, ref: string, files: Array<{ file: string; text: string }>) {
  return files.map(({ file, text }) => entry(ctx, `${dir}/${file}`, ref, text).fields);
}
