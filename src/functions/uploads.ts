import { confirmUpload, removeImage, requestUpload, restaurantImages } from '../application/uploads.js';
import type { HttpFunction } from './catalog-types.js';
import { endpoint } from './http/endpoint.js';
import { imageParams, requestUploadBody, restaurantParams, uploadParams } from './schemas.js';

/** Restaurant pictures and menus: the bytes go straight to Blob storage; these routes hand out URLs and check what arrived. */
export const uploadFunctions: readonly HttpFunction[] = [
  {
    kind: 'http',
    name: 'restaurant-uploads',
    route: 'v1/restaurants/{restaurantId}/uploads',
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: restaurantParams,
        body: requestUploadBody,
        handle: async ({ caller, params, body, services }) => ({
          status: 201,
          body: await requestUpload(services, caller, params.restaurantId, body),
          headers: { 'cache-control': 'no-store' },
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant-upload-confirm',
    route: 'v1/restaurants/{restaurantId}/uploads/{uploadId}/confirm',
    handlers: {
      POST: endpoint({
        auth: 'user',
        params: uploadParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: await confirmUpload(services, caller, params.restaurantId, params.uploadId),
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant-images',
    route: 'v1/restaurants/{restaurantId}/images',
    handlers: {
      GET: endpoint({
        auth: 'user',
        params: restaurantParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: await restaurantImages(services, caller, params.restaurantId),
        }),
      }),
    },
  },
  {
    kind: 'http',
    name: 'restaurant-image',
    route: 'v1/restaurants/{restaurantId}/images/{imageId}',
    handlers: {
      DELETE: endpoint({
        auth: 'user',
        params: imageParams,
        handle: async ({ caller, params, services }) => ({
          status: 200,
          body: await removeImage(services, caller, params.restaurantId, params.imageId),
        }),
      }),
    },
  },
];
