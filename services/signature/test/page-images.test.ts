import { createObjectStore, ensureBucket, expireObjectsUnder } from '@copyreg/kit';
import { afterAll, expect, it } from 'vitest';
import { expireCachedPageImages, PAGE_IMAGE_RETENTION_DAYS } from '../src/pages';

const store = createObjectStore();
// A bucket of its own: the lifecycle is the whole bucket's, and other tests share the test bucket.
const bucket = `page-images-${Date.now()}`;
afterAll(() => store.removeBucket(bucket));

const rules = async () => [(await store.getBucketLifecycle(bucket))?.Rule ?? []].flat();

it('page images expire from the object store, keeping the bucket’s other rules, and setting it twice adds nothing', async () => {
  await ensureBucket(store, bucket);
  await expireObjectsUnder(store, bucket, { id: 'other', prefix: 'other/', days: 7 });
  await expireCachedPageImages(store, bucket);
  await expireCachedPageImages(store, bucket);
  const byId = Object.fromEntries((await rules()).map((r) => [r.ID, r]));
  expect(Object.keys(byId).sort()).toEqual(['other', 'signature-page-images']);
  expect(byId['signature-page-images']).toMatchObject({
    Status: 'Enabled',
    Filter: { Prefix: 'signatures/page-images/' },
    Expiration: { Days: PAGE_IMAGE_RETENTION_DAYS },
  });
  expect(byId.other).toMatchObject({ Filter: { Prefix: 'other/' }, Expiration: { Days: 7 } });
});
