// <blaze-face>'s options (components/options.ts) in a real page: defaults are not written back as attributes,
// a property set from script shows as its attribute, a removed attribute gives the default back, a bad value is
// refused with an error event, and the shipped custom-elements.json documents every option.

import { expect } from 'chai';
import type { BlazeFaceErrorDetail } from '../../components/events.ts';
import { elementOptions, type OptionName } from '../../components/options.ts';
import { createElement, usePhotoReference, useElementSources } from '../helpers/element-harness.ts';
import { nextEvent } from '../helpers/element-events.ts';

describe('<blaze-face> options', function () {
  const sample = usePhotoReference();
  const { streamOf, elementOn } = useElementSources();

  it('writes no default back as an attribute, reflects what a page sets, and takes the default back with the attribute', async () => {
    const element = document.createElement('blaze-face');
    element.srcObject = streamOf(sample.image).stream;
    document.body.append(element);
    await nextEvent(element, 'faces');
    // Only `style`, where the element puts the picture's aspect ratio (--blaze-face-aspect-ratio).
    expect(element.getAttributeNames(), 'a bare element writes none of its options').to.deep.equal(['style']);
    for (const [name, spec] of Object.entries(elementOptions) as [OptionName, { default: unknown }][]) {
      if (name !== 'srcObject') expect(element[name], name).to.equal(spec.default);
    }
    element.minScore = 0.7;
    element.boxStyle = 'corners';
    await element.updateComplete;
    expect(element.getAttribute('min-score')).to.equal('0.7');
    expect(element.getAttribute('box-style')).to.equal('corners');
    element.removeAttribute('min-score');
    await element.updateComplete;
    expect(element.minScore, 'the default again').to.equal(undefined);
  });

  it('rejects bad values with an error event and keeps the last good setting', async () => {
    const element = elementOn(streamOf(sample.image));
    await nextEvent(element, 'faces');

    const modelError = nextEvent<BlazeFaceErrorDetail>(element, 'error');
    element.setAttribute('model', 'nope');
    const modelDetail = await modelError;
    expect(modelDetail.type).to.equal('invalid-attribute');
    expect(modelDetail.message).to.equal('model must be one of auto, short, full, front, back, got "nope"');
    expect(element.model, 'the last good one (the tests\' elements run short)').to.equal('short');

    const styleError = nextEvent<BlazeFaceErrorDetail>(element, 'error');
    element.setAttribute('box-style', 'dots');
    expect((await styleError).message).to.equal('box-style must be one of box, corners, got "dots"');
    expect(element.boxStyle).to.equal('box');

    const scoreError = nextEvent<BlazeFaceErrorDetail>(element, 'error');
    element.setAttribute('min-score', '2');
    expect((await scoreError).message).to.equal('min-score must be a number from 0 to 1, got 2');
    expect(element.minScore).to.equal(undefined);
    await nextEvent(element, 'faces');
    expect(element.state).to.equal('running');
  });

  it('a bad attribute on a new element is refused before it starts, which then starts with the default', async () => {
    const errors: string[] = [];
    const element = createElement((element) => {
      element.addEventListener('error', (event) => errors.push(event.detail.message));
      element.setAttribute('engine', 'abacus');
      element.srcObject = streamOf(sample.image).stream;
    });
    await nextEvent(element, 'faces');
    expect(errors).to.deep.equal(['engine must be one of auto, webgpu, webgl, wasm, tfjs-wasm, cpu, got "abacus"']);
    expect(element.engine).to.equal('auto');
  });

  it('custom-elements.json documents every option with its attribute, type, default and description', async () => {
    const manifest = (await (await fetch('/custom-elements.json')).json()) as {
      modules: { declarations?: { tagName?: string; attributes?: Record<string, unknown>[]; members?: Record<string, unknown>[] }[] }[];
    };
    const declaration = manifest.modules.flatMap((module) => module.declarations ?? []).find((entry) => entry.tagName === 'blaze-face')!;
    const attributes = declaration.attributes!;
    const members = declaration.members!;
    for (const [name, spec] of Object.entries(elementOptions) as [OptionName, { attribute: string | false }][]) {
      const field = members.find((member) => member.name === name);
      expect(field, name).to.include({ kind: 'field' });
      expect(field!.description, `${name}'s description`).to.be.a('string').and.not.equal('');
      expect(field!.default, `${name}'s default`).to.be.a('string');
      if (spec.attribute) expect(attributes.find((attribute) => attribute.name === spec.attribute), spec.attribute).to.include({ fieldName: name });
    }
    expect(attributes.filter((attribute) => !attribute.description || attribute.default === undefined), 'undocumented attributes').to.deep.equal([]);
    expect(members.filter((member) => String(member.name).startsWith('_') || member.privacy === 'private'), 'internal members').to.deep.equal([]);
    expect(attributes.map((attribute) => attribute.name).sort()).to.deep.equal(
      Object.values(elementOptions).flatMap((spec) => (spec.attribute ? [spec.attribute] : [])).sort(),
    );
  });
});
