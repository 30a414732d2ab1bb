import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ChangeEvent, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { ApiProblem, unwrap } from '../api/errors.js';
import type { components } from '../api/schema.js';
import { describeError } from '../app/describe-error.js';

type Images = components['schemas']['RestaurantImages'];
type Image = components['schemas']['Image'];
type Ticket = components['schemas']['UploadTicket'];
type Kind = Ticket['kind'];

const imagesKey = (restaurantId: string) => ['restaurants', restaurantId, 'images'] as const;

const slots: readonly { kind: Kind; label: string; accept: string; hint: string }[] = [
  { kind: 'logo', label: 'Logo', accept: 'image/png,image/jpeg,image/webp', hint: 'PNG, JPEG or WebP, up to 10 MB.' },
  { kind: 'cover', label: 'Cover photo', accept: 'image/png,image/jpeg,image/webp', hint: 'PNG, JPEG or WebP, up to 10 MB.' },
  {
    kind: 'menu',
    label: 'Menu',
    accept: 'image/png,image/jpeg,image/webp,application/pdf',
    hint: 'Up to 10 pictures (one per page), or one PDF up to 20 MB.',
  },
];

/** Why a file was refused, in the API's words (they say what to fix: the type, the size, the page count). */
function refusal(error: unknown): string {
  const slug = error instanceof ApiProblem ? error.slug : undefined;
  if (error instanceof ApiProblem && error.problem !== undefined && (slug === 'validation-failed' || slug === 'limit-reached')) {
    return error.problem.detail;
  }
  return describeError(error, 'restaurant');
}

/** PUTs the file straight to Blob storage with the ticket's URL and headers, reporting progress (fetch cannot). */
function send(ticket: Ticket, file: File, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(ticket.method, ticket.uploadUrl);
    for (const [name, value] of Object.entries(ticket.requestHeaders)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) resolve();
      else reject(new Error(`The storage refused the file (${request.status}); ask for a new upload and try again.`));
    };
    request.onerror = () => {
      reject(new Error('The file could not be sent: check the connection and try again.'));
    };
    request.send(file);
  });
}

function Preview({ image, alt }: { image: Image; alt: string }): ReactNode {
  const smallest = image.sources[0];
  if (smallest === undefined) return null;
  return (
    <img
      className="images__preview"
      src={smallest.url}
      srcSet={image.sources.map((s) => `${s.url} ${s.width}w`).join(', ')}
      sizes="12rem"
      width={smallest.width}
      height={smallest.height}
      alt={alt}
    />
  );
}

/** What is there now for a slot: previews, each with its remove button. */
function Current({ kind, images, onRemove }: { kind: Kind; images: Images; onRemove: (id: string) => void }): ReactNode {
  const remove = (id: string, what: string) => (
    <button
      type="button"
      className="button"
      onClick={() => {
        onRemove(id);
      }}
    >
      Remove {what}
    </button>
  );
  if (kind === 'menu') {
    const menu = images.menu;
    if (menu === undefined) return <p>No menu yet.</p>;
    if (menu.kind === 'pdf') {
      return (
        <p>
          <a href={menu.url}>Menu (PDF, {Math.ceil(menu.bytes / 1024)} KB)</a> {remove(menu.id, 'the PDF menu')}
        </p>
      );
    }
    return (
      <ul className="images__pages">
        {menu.pages.map((page, index) => (
          <li key={page.id}>
            <Preview image={page} alt={`Menu page ${index + 1}`} />
            {remove(page.id, `page ${index + 1}`)}
          </li>
        ))}
      </ul>
    );
  }
  const image = images[kind];
  if (image === undefined) return <p>None yet.</p>;
  return (
    <div>
      <Preview image={image} alt={kind === 'logo' ? 'The restaurant’s logo' : 'The cover photo'} />
      {remove(image.id, kind === 'logo' ? 'the logo' : 'the cover photo')}
    </div>
  );
}

/** Uploads (ask, PUT to storage, confirm) and removals, with the progress and the last outcome per kind. */
function useImageChanges(restaurantId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<{ kind: Kind; fraction: number } | null>(null);
  const [shown, setShown] = useState<{ kind: Kind; text: string; ok: boolean } | null>(null);
  const saved = (kind: Kind, text: string) => (next: Images) => {
    queryClient.setQueryData(imagesKey(restaurantId), next);
    setShown({ kind, text, ok: true });
  };
  const upload = useMutation({
    mutationFn: async ({ kind, file }: { kind: Kind; file: File }) => {
      setShown(null);
      setProgress({ kind, fraction: 0 });
      const ticket = unwrap(
        await api.POST('/v1/restaurants/{restaurantId}/uploads', {
          params: { path: { restaurantId } },
          body: { kind, contentType: file.type, size: file.size },
        }),
      );
      await send(ticket, file, (fraction) => {
        setProgress({ kind, fraction });
      });
      return unwrap(
        await api.POST('/v1/restaurants/{restaurantId}/uploads/{uploadId}/confirm', {
          params: { path: { restaurantId, uploadId: ticket.id } },
        }),
      );
    },
    onSuccess: (next, { kind }) => {
      saved(kind, 'Uploaded.')(next);
    },
    onError: (error, { kind }) => {
      setShown({ kind, text: refusal(error), ok: false });
    },
    onSettled: () => {
      setProgress(null);
    },
  });
  const remove = useMutation({
    mutationFn: async ({ imageId }: { kind: Kind; imageId: string }) =>
      unwrap(await api.DELETE('/v1/restaurants/{restaurantId}/images/{imageId}', { params: { path: { restaurantId, imageId } } })),
    onSuccess: (next, { kind }) => {
      saved(kind, 'Removed.')(next);
    },
    onError: (error, { kind }) => {
      setShown({ kind, text: describeError(error, 'restaurant'), ok: false });
    },
  });
  return { upload, remove, progress, shown };
}

/**
 * The restaurant's logo, cover photo and menu: the file goes from the browser straight to Blob
 * storage (a create-only URL the API signs), then the API checks it and makes the sizes the pages
 * use. Shows progress, the preview, and the reason a file was refused.
 */
export default function RestaurantImages({ restaurantId }: { restaurantId: string }): ReactNode {
  const api = useApi();
  const id = useId();
  const images = useQuery({
    queryKey: imagesKey(restaurantId),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/restaurants/{restaurantId}/images', { params: { path: { restaurantId } }, signal })),
  });
  const { upload, remove, progress, shown } = useImageChanges(restaurantId);
  const choose = (kind: Kind) => (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file !== undefined) upload.mutate({ kind, file });
  };
  return (
    <section className="form owner__form images" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Pictures and menu</h2>
      {images.isError ? (
        <p className="message message--error" role="alert">
          {describeError(images.error, 'restaurant')}
        </p>
      ) : null}
      {slots.map((slot) => (
        <fieldset key={slot.kind} className="images__slot">
          <legend>{slot.label}</legend>
          {images.data === undefined ? null : (
            <Current
              kind={slot.kind}
              images={images.data}
              onRemove={(imageId) => {
                remove.mutate({ kind: slot.kind, imageId });
              }}
            />
          )}
          <label htmlFor={`${id}-${slot.kind}`}>
            {slot.kind === 'menu' ? 'Add a page or a PDF' : `Choose a ${slot.label.toLowerCase()}`}
          </label>
          <input
            id={`${id}-${slot.kind}`}
            type="file"
            accept={slot.accept}
            disabled={upload.isPending}
            aria-describedby={`${id}-${slot.kind}-hint`}
            onChange={choose(slot.kind)}
          />
          <p id={`${id}-${slot.kind}-hint`} className="images__hint">
            {slot.hint}
          </p>
          {progress?.kind === slot.kind ? (
            <progress max={1} value={progress.fraction} aria-label={`Uploading the ${slot.label.toLowerCase()}`} />
          ) : null}
          {shown?.kind === slot.kind ? (
            <p className={`message ${shown.ok ? 'message--ok' : 'message--error'}`} role={shown.ok ? 'status' : 'alert'}>
              {shown.text}
            </p>
          ) : null}
        </fieldset>
      ))}
    </section>
  );
}
