// fetchModel: a model file the page provided is taken once, after which the file is fetched.

import { expect } from 'chai';
import { ModelLoadError } from '../../model/errors.ts';
import { fetchModel, provideModelFile } from '../../model/graph/fetch-model.ts';
import { rejection } from '../helpers/rejection.ts';

describe('fetchModel', () => {
  it('takes a provided file once, then fetches', async () => {
    const url = `${location.origin}/assets/models/provided-once.tflite`;
    const bytes = new Uint8Array([1, 2, 3]);
    provideModelFile(url, bytes);
    expect(await fetchModel(url), 'the provided bytes, without a request').to.equal(bytes);
    const fetched = await rejection(fetchModel(url));
    expect(fetched).to.be.instanceOf(ModelLoadError);
    expect(fetched.message).to.equal(`The model at ${url} could not be fetched: HTTP 404`);
  });
});
