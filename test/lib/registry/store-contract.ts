// One contract for every registry store: the local folder store and the GitHub Releases store
// (against the local GitHub API server) both run it.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { RegistryNotFoundError, VerificationError } from '../../../actions/lib/registry/errors.ts';
import type {
  DraftAsset,
  RegistryStore,
  VersionDraft,
} from '../../../actions/lib/registry/store.ts';
import { sampleManifest } from './sample-manifest.ts';

/** What a store's test hands the contract. */
export interface StoreUnderTest {
  readonly store: RegistryStore;
  /** Changes the stored bytes of an asset without touching its manifest. */
  readonly tamper: (name: string, version: number, asset: string) => Promise<void>;
}

/** A draft asset of this text. */
export function textAsset(
  name: string,
  text: string,
  contentType = 'application/json',
): DraftAsset {
  const bytes = new TextEncoder().encode(text);
  return {
    name,
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    content_type: contentType,
    read: async () => bytes,
  };
}

/** A draft of model `name` whose model.json holds `marker`. */
export function sampleDraft(name = 'ozone-forest', marker = 'one'): VersionDraft {
  const {
    schema: _s,
    name: _n,
    version: _v,
    created_at: _c,
    assets: _a,
    ...fields
  } = sampleManifest();
  return {
    name,
    fields,
    assets: [
      textAsset('model.json', JSON.stringify({ marker })),
      textAsset('model.onnx', `onnx bytes of ${marker}`, 'application/octet-stream'),
      textAsset('predictions.csv', 'time,observed,predicted\n', 'text/csv'),
    ],
  };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Declares the contract's tests for the store `open` makes afresh before each test. */
export function storeContract(label: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${label}: the registry store contract`, () => {
    let subject: StoreUnderTest;
    beforeEach(async () => {
      subject = await open();
    });

    it('is empty at first', async () => {
      const { store } = subject;
      expect(await store.list()).toEqual([]);
      expect(await store.versions('ozone-forest')).toEqual([]);
      expect(await store.aliases()).toEqual({});
      await expect(store.get('ozone-forest', 1)).rejects.toThrow(RegistryNotFoundError);
    });

    it('publishes numbered versions, each with its manifest and verified assets', async () => {
      const { store } = subject;
      const first = await store.publish(sampleDraft('ozone-forest', 'one'));
      const second = await store.publish(sampleDraft('ozone-forest', 'two'));
      const other = await store.publish(sampleDraft('no2-forest', 'three'));
      expect([first.version, second.version, other.version]).toEqual([1, 2, 1]);
      expect(first).toMatchObject({
        schema: 1,
        name: 'ozone-forest',
        run_id: sampleManifest().run_id,
      });
      expect(first.assets.map((a) => a.name)).toEqual([
        'model.json',
        'model.onnx',
        'predictions.csv',
      ]);
      expect(first.assets[0]).not.toHaveProperty('read');
      expect(await store.get('ozone-forest', 2)).toEqual(second);
      expect(text(await store.download('ozone-forest', 1, 'model.json'))).toBe('{"marker":"one"}');
      expect(text(await store.download('ozone-forest', 2, 'model.json'))).toBe('{"marker":"two"}');
      expect(await store.versions('ozone-forest')).toEqual([1, 2]);
      expect(await store.list()).toEqual([
        { name: 'no2-forest', versions: [1] },
        { name: 'ozone-forest', versions: [1, 2] },
      ]);
    });

    it('says what there is when a version or an asset is unknown', async () => {
      const { store } = subject;
      await store.publish(sampleDraft());
      await expect(store.get('ozone-forest', 5)).rejects.toThrow(
        'ozone-forest has no version 5 (its versions: 1)',
      );
      await expect(store.download('ozone-forest', 1, 'nothing.bin')).rejects.toThrow(
        'models:/ozone-forest/1 has no asset nothing.bin (its assets: model.json, model.onnx, predictions.csv)',
      );
    });

    it('gives two publishes at once two different versions', async () => {
      const { store } = subject;
      const versions = await Promise.all([
        store.publish(sampleDraft('ozone-forest', 'a')),
        store.publish(sampleDraft('ozone-forest', 'b')),
      ]);
      expect(versions.map((m) => m.version).sort()).toEqual([1, 2]);
      for (const manifest of versions) {
        const marker = JSON.parse(
          text(await store.download('ozone-forest', manifest.version, 'model.json')),
        );
        expect(['a', 'b']).toContain(marker.marker);
      }
    });

    it('refuses an asset whose bytes are not what the draft says, leaving no version', async () => {
      const { store } = subject;
      const draft = sampleDraft();
      const liar = {
        ...textAsset('model.json', 'real'),
        read: async () => new TextEncoder().encode('fake'),
      };
      await expect(store.publish({ ...draft, assets: [liar] })).rejects.toThrow('sha256');
      expect(await store.versions('ozone-forest')).toEqual([]);
      expect((await store.publish(draft)).version).toBe(1);
    });

    it('refuses to hand out an asset that was changed after publishing', async () => {
      const { store, tamper } = subject;
      await store.publish(sampleDraft());
      await tamper('ozone-forest', 1, 'model.onnx');
      await expect(store.download('ozone-forest', 1, 'model.onnx')).rejects.toThrow(
        VerificationError,
      );
      expect(text(await store.download('ozone-forest', 1, 'model.json'))).toBe('{"marker":"one"}');
    });
  });
}
